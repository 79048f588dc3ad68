import type { KeapSandbox } from '@sms-seq/sandbox';
import { REFUSALS_BEFORE_GIVING_UP } from '../../src/crm-effects/crm-effect.processor';
import { OutboxPublisher } from '../../src/outbox/outbox.publisher';
import { OutboxRepository } from '../../src/outbox/outbox.repository';
import { aKeapContact, aPhone, replyMatching, tagId, tagsOf } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

type KeapTenant = Parameters<KeapSandbox['applyTag']>[0];

/** A write the app sent to the Keap sandbox, as it arrived. */
interface KeapWrite {
  op: 'updateContact' | 'applyTags';
  contactIds: string[];
  /** applyTags: each contact's custom fields at the moment the call arrived. */
  customFieldsThen?: Record<string, Record<string, unknown>>;
  /** applyTags: Keap's answer per contact. */
  results?: Record<string, string>;
  at: number;
}

/** Records every contact update and tag apply the Keap sandbox answers, in arrival order. */
function recordKeapWrites(h: RuntimeHarness): KeapWrite[] {
  const writes: KeapWrite[] = [];
  const keap = h.sandbox.keap;
  const customFields = (tenant: KeapTenant, id: string) =>
    (keap.describeContacts(tenant).find((c) => c.id === id)?.custom_fields ?? {}) as Record<
      string,
      unknown
    >;
  const apply = keap.applyTag.bind(keap);
  keap.applyTag = (tenant, tag, body) => {
    const ids = ((body as { contact_ids?: unknown[] }).contact_ids ?? []).map(String);
    const write: KeapWrite = {
      op: 'applyTags',
      contactIds: ids,
      customFieldsThen: Object.fromEntries(ids.map((id) => [id, customFields(tenant, id)])),
      at: Date.now(),
    };
    writes.push(write);
    const answer = apply(tenant, tag, body);
    write.results = answer.results;
    return answer;
  };
  const update = keap.updateContact.bind(keap);
  keap.updateContact = (...args: Parameters<typeof update>) => {
    writes.push({ op: 'updateContact', contactIds: [String(args[1])], at: Date.now() });
    return update(...args);
  };
  return writes;
}

const writesTo = (writes: KeapWrite[], contactId: number) =>
  writes.filter((w) => w.contactIds.includes(String(contactId)));

async function eventsOf(
  h: RuntimeHarness,
  phone: string,
  type: string,
): Promise<Record<string, unknown>[]> {
  const rows: { detail: Record<string, unknown> }[] = await h.ds.query(
    `SELECT e.detail FROM conversation_events e JOIN conversations c ON c.id = e.conversation_id
      WHERE c.phone = $1 AND e.type = $2 ORDER BY e.created_at`,
    [phone, type],
  );
  return rows.map((r) => r.detail);
}

async function keapCallsOf(h: RuntimeHarness, phone: string): Promise<Record<string, number>> {
  const [row] = await h.ds.query(`SELECT keap_calls FROM conversations WHERE phone = $1`, [phone]);
  return (row?.keap_calls ?? {}) as Record<string, number>;
}

/**
 * Keap writes a conversation makes go out in as few calls as Keap allows: the same tag applied to
 * contacts answering close together is one `applyTags` call (Keap's answer per contact decides
 * which are done), and a conversation's field saves are one contact update, always in Keap before
 * a tag that follows them (a Keap campaign the tag starts reads the answers).
 */
describe('runtime: batched tags and coalesced field saves', () => {
  let h: RuntimeHarness;
  let accountId: string;
  let writes: KeapWrite[];
  let interested: number;
  let tagTool: { toolId: string; secret: string };

  beforeAll(async () => {
    // A window long enough that contacts answering together always share a call here.
    h = await startRuntime({ KEAP_TAG_BATCH_WINDOW_MS: '1000', FIELD_SAVE_MAX_DELAY_MS: '60000' });
    ({ accountId } = await h.connectedAccount());
    writes = recordKeapWrites(h);
    interested = tagId(h.sandbox, 'Interested');
    tagTool = await h.publishedTool(accountId, {
      name: 'Show',
      keyword: null,
      startMode: 'http_only',
      steps: [
        {
          id: 'ask',
          name: 'Ask',
          message: 'Coming to the show?',
          next: replyMatching(['*'], { tagId: interested, nextStepId: null }),
        },
      ],
      options: { createNote: false },
    });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await h?.close();
  });

  /** Contacts asked the tag tool's question, each with a fresh phone. */
  async function askedContacts(names: string[]) {
    const people = names.map((firstName) => {
      const phone = aPhone();
      return { phone, contactId: aKeapContact(h.sandbox, { firstName, phone }) };
    });
    for (const p of people) await h.startByHttpPost(tagTool, p.contactId);
    await eventually(
      () => people.every((p) => h.textsTo(p.phone).length === 1),
      'the questions to go out',
    );
    return people;
  }

  /**
   * The people answer; their tag jobs are held until every tag is asked for and then go
   * together, so they fall in one batch however slow this machine is.
   */
  async function answerTogether(phones: string[]): Promise<void> {
    const queue = h.t.app.get(OutboxPublisher).queue('apply_tag');
    await queue.pause(true);
    try {
      await Promise.all(phones.map((p) => h.text(p, 'Yes!')));
      await eventually(async () => {
        const [row] = await h.ds.query(
          `SELECT count(*)::int AS n FROM outbox o JOIN conversations c ON c.id = o.conversation_id
            WHERE o.kind = 'apply_tag' AND c.phone = ANY($1)`,
          [phones],
        );
        return row.n === phones.length;
      }, 'every tag to be asked for');
    } finally {
      await queue.resume(true);
    }
  }

  async function tagRows(phones: string[]) {
    const rows: {
      contact_id: number;
      attempts: number;
      done: boolean;
      last_error: string | null;
    }[] = await h.ds.query(
      `SELECT c.contact_id, o.attempts, o.done_at IS NOT NULL AS done, o.last_error
          FROM outbox o JOIN conversations c ON c.id = o.conversation_id
          WHERE o.kind = 'apply_tag' AND c.phone = ANY($1)`,
      [phones],
    );
    return new Map(rows.map((r) => [Number(r.contact_id), r]));
  }

  it('tags contacts answering together with one Keap call, and retries only the contact Keap refused', async () => {
    const people = await askedContacts(['Ann', 'Ben', 'Cal']);
    const [ann, ben, cal] = people.map((p) => p.contactId) as [number, number, number];
    const phones = people.map((p) => p.phone);
    h.sandbox.keap.refuseTagApplies(h.sandbox.keap.tenant('sb101'), String(ben), { count: 1 });
    writes.length = 0;

    await answerTogether(phones);
    await eventually(
      () => [ann, ben, cal].every((id) => tagsOf(h.sandbox, id).includes('Interested')),
      'all three tagged',
      30_000,
    );
    await whenIdle(h);

    // One call for the three; Keap refused Ben alone, and only Ben's apply went again.
    const applies = writes.filter((w) => w.op === 'applyTags');
    expect(applies.map((w) => [...w.contactIds].sort())).toEqual([
      [ann, ben, cal].map(String).sort(),
      [String(ben)],
    ]);
    expect(applies[0]?.results).toEqual({
      [ann]: 'SUCCESS',
      [ben]: 'FAILURE',
      [cal]: 'SUCCESS',
    });
    expect(applies[1]?.results).toEqual({ [ben]: 'SUCCESS' });
    const rows = await tagRows(phones);
    expect(rows.get(ann)).toEqual(expect.objectContaining({ done: true, attempts: 1 }));
    expect(rows.get(cal)).toEqual(expect.objectContaining({ done: true, attempts: 1 }));
    expect(rows.get(ben)).toEqual(
      expect.objectContaining({
        done: true,
        attempts: 2,
        last_error: expect.stringContaining('FAILURE'),
      }),
    );
    for (const phone of phones)
      expect(await eventsOf(h, phone, 'tag_applied')).toEqual([
        expect.objectContaining({ tagId: interested }),
      ]);
    // Each Keap call is counted once, on one of the conversations it served.
    let tallied = 0;
    for (const phone of phones) tallied += (await keapCallsOf(h, phone))['tags.apply'] ?? 0;
    expect(tallied).toBe(applies.length);
  }, 90_000);

  it('gives up a tag Keap keeps refusing for one contact after a few tries, saying why', async () => {
    const [dee] = await askedContacts(['Dee']);
    writes.length = 0;
    h.sandbox.keap.refuseTagApplies(h.sandbox.keap.tenant('sb101'), String(dee!.contactId), {
      count: 100,
    });
    try {
      await h.text(dee!.phone, 'Yes!');
      await eventually(
        async () => (await tagRows([dee!.phone])).get(dee!.contactId)?.done === true,
        'the refused tag to be given up',
        60_000,
      );
      // Asked of Keap that many times in all, then stopped with Keap's answer.
      const asked = writes.filter(
        (w) => w.op === 'applyTags' && w.contactIds.includes(String(dee!.contactId)),
      );
      expect(asked).toHaveLength(REFUSALS_BEFORE_GIVING_UP);
      expect((await tagRows([dee!.phone])).get(dee!.contactId)?.last_error).toContain('FAILURE');
      expect(tagsOf(h.sandbox, dee!.contactId)).not.toContain('Interested');
      expect(await eventsOf(h, dee!.phone, 'tag_applied')).toEqual([]);
      expect(await eventsOf(h, dee!.phone, 'keap_work_stopped')).toEqual([
        expect.objectContaining({ work: 'apply_tag', code: 'refused_for_contact' }),
      ]);
    } finally {
      h.sandbox.keap.refuseTagApplies(h.sandbox.keap.tenant('sb101'), String(dee!.contactId), {
        count: 0,
      });
    }
  }, 90_000);

  it('neither loses nor doubles a tag when the work stops between Keap’s answer and its bookkeeping', async () => {
    const people = await askedContacts(['Dee', 'Eve']);
    const [dee, eve] = people.map((p) => p.contactId) as [number, number];
    const phones = people.map((p) => p.phone);
    writes.length = 0;

    // Dee's row is about to be marked done, Keap having applied the tag: the work dies there
    // (its transaction rolls back, as when the process is killed), leaving the row pending.
    const outbox = h.t.app.get(OutboxRepository);
    const claim = outbox.claim.bind(outbox);
    let died = false;
    jest.spyOn(outbox, 'claim').mockImplementation(async (id, m) => {
      const [row] = await h.ds.query(
        `SELECT c.contact_id FROM outbox o JOIN conversations c ON c.id = o.conversation_id
          WHERE o.id = $1 AND o.kind = 'apply_tag'`,
        [id],
      );
      if (!died && Number(row?.contact_id) === dee) {
        died = true;
        throw new Error('the worker died after Keap applied the tag');
      }
      return claim(id, m);
    });

    await answerTogether(phones);
    await eventually(async () => (await tagRows(phones)).get(dee)?.done, 'Dee’s tag done', 30_000);
    await whenIdle(h);
    jest.restoreAllMocks();

    expect(died).toBe(true);
    // Dee's retry applied the tag again, which Keap answered DUPLICATE: on the contact once.
    const applies = writes.filter((w) => w.op === 'applyTags');
    expect(applies.map((w) => [...w.contactIds].sort())).toEqual([
      [dee, eve].map(String).sort(),
      [String(dee)],
    ]);
    expect(applies[1]?.results).toEqual({ [dee]: 'DUPLICATE' });
    expect(tagsOf(h.sandbox, dee)).toEqual(['Interested']);
    expect(tagsOf(h.sandbox, eve)).toEqual(['Interested']);
    for (const phone of phones)
      expect(await eventsOf(h, phone, 'tag_applied')).toEqual([
        expect.objectContaining({ tagId: interested }),
      ]);
    const rows = await tagRows(phones);
    expect(rows.get(eve)).toEqual(expect.objectContaining({ done: true, attempts: 1 }));
    expect(rows.get(dee)).toEqual(expect.objectContaining({ done: true, attempts: 2 }));
  }, 90_000);

  it('saves the fields in Keap before the tag that follows them', async () => {
    const tool = await h.publishedTool(accountId, {
      name: 'Colours first',
      keyword: null,
      startMode: 'http_only',
      steps: [
        {
          id: 'colour',
          name: 'Colour',
          message: 'Favourite colour?',
          saveTo: '_FavoriteColor',
          next: replyMatching(['*'], { tagId: interested, nextStepId: 'job' }),
        },
        {
          id: 'job',
          name: 'Job',
          message: 'And your job title?',
          saveTo: 'JobTitle',
          next: { kind: 'finish' },
        },
      ],
      options: { createNote: false },
    });
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Fay', phone });
    writes.length = 0;
    await h.startByHttpPost(tool, contactId);
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    await h.text(phone, 'teal');
    await eventually(() => tagsOf(h.sandbox, contactId).includes('Interested'), 'the tag');

    // The save went first (saves otherwise wait up to a minute here), and Keap had the colour
    // when the tag arrived.
    const [save, tag] = writesTo(writes, contactId);
    expect([save?.op, tag?.op]).toEqual(['updateContact', 'applyTags']);
    expect(tag?.customFieldsThen?.[contactId]).toEqual(
      expect.objectContaining({ FavoriteColor: 'teal' }),
    );

    await eventually(() => h.textsTo(phone).length === 2, 'the second question');
    await h.text(phone, 'Baker');
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'finished',
      'the conversation to finish',
    );
    await whenIdle(h);
    expect(writesTo(writes, contactId).map((w) => w.op)).toEqual([
      'updateContact',
      'applyTags',
      'updateContact',
    ]);
    expect(await eventsOf(h, phone, 'field_saved')).toEqual([
      { field: '_FavoriteColor', value: 'teal' },
      { field: 'JobTitle', value: 'Baker' },
    ]);
  }, 90_000);

  it('saves the answers of a three-question conversation with one contact update at its end', async () => {
    const tool = await h.publishedTool(accountId, {
      name: 'Three answers',
      keyword: null,
      startMode: 'http_only',
      steps: [
        { id: 'colour', name: 'Colour', message: 'Favourite colour?', saveTo: '_FavoriteColor' },
        {
          id: 'email',
          name: 'Email',
          message: 'Your other email?',
          saveTo: 'EmailAddress2',
        },
        {
          id: 'job',
          name: 'Job',
          message: 'Your job title?',
          saveTo: 'JobTitle',
          next: { kind: 'finish' },
        },
      ],
      options: { createNote: false },
    });
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, {
      firstName: 'Gus',
      phone,
      email: 'gus@example.com',
    });
    writes.length = 0;
    await h.startByHttpPost(tool, contactId);
    const answers = ['green', 'gus.home@example.com', 'Florist'];
    for (const [i, answer] of answers.entries()) {
      await eventually(() => h.textsTo(phone).length === i + 1, `question ${i + 1}`);
      await h.text(phone, answer);
    }
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'finished',
      'the conversation to finish',
    );
    await whenIdle(h);

    // One update with the three answers, the contact's first email and phone kept as they were
    // (Keap replaces the email list whole).
    expect(writesTo(writes, contactId).map((w) => w.op)).toEqual(['updateContact']);
    expect((await keapCallsOf(h, phone))['contacts.update']).toBe(1);
    const tenant = h.sandbox.keap.tenant('sb101');
    const contact = h.sandbox.keap.describeContacts(tenant).find((c) => c.id === String(contactId));
    expect(contact).toEqual(
      expect.objectContaining({
        emails: { EMAIL1: 'gus@example.com', EMAIL2: 'gus.home@example.com' },
        phones: {
          PHONE1: expect.objectContaining({ number: expect.stringContaining(phone.slice(-7)) }),
        },
        custom_fields: expect.objectContaining({ FavoriteColor: 'green' }),
      }),
    );
    expect(h.sandbox.keap.getContact(tenant, String(contactId), ['job_title'])).toEqual(
      expect.objectContaining({ job_title: 'Florist' }),
    );
    // The transcript still tells of each save.
    expect(await eventsOf(h, phone, 'field_saved')).toEqual([
      { field: '_FavoriteColor', value: 'green' },
      { field: 'EmailAddress2', value: 'gus.home@example.com' },
      { field: 'JobTitle', value: 'Florist' },
    ]);
  }, 90_000);

  it('keeps the later reply’s value when two replies save the same field', async () => {
    const tool = await h.publishedTool(accountId, {
      name: 'Second thoughts',
      keyword: null,
      startMode: 'http_only',
      steps: [
        { id: 'first', name: 'First', message: 'Favourite colour?', saveTo: '_FavoriteColor' },
        {
          id: 'again',
          name: 'Again',
          message: 'Sure? Your favourite colour?',
          saveTo: '_FavoriteColor',
          next: { kind: 'finish' },
        },
      ],
      options: { createNote: false },
    });
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Lou', phone });
    writes.length = 0;
    await h.startByHttpPost(tool, contactId);
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    await h.text(phone, 'red');
    await eventually(() => h.textsTo(phone).length === 2, 'the second question');
    await h.text(phone, 'violet');
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'finished',
      'the conversation to finish',
    );
    await whenIdle(h);

    expect(writesTo(writes, contactId).map((w) => w.op)).toEqual(['updateContact']);
    const custom = h.sandbox.keap
      .describeContacts(h.sandbox.keap.tenant('sb101'))
      .find((c) => c.id === String(contactId))?.custom_fields;
    expect(custom).toEqual(expect.objectContaining({ FavoriteColor: 'violet' }));
    expect(await eventsOf(h, phone, 'field_saved')).toEqual([
      { field: '_FavoriteColor', value: 'violet' },
    ]);
  }, 90_000);

  it('keeps the other answers when Keap refuses one of them: each goes alone, the refused one stops', async () => {
    const tool = await h.publishedTool(accountId, {
      name: 'Budget',
      keyword: null,
      startMode: 'http_only',
      steps: [
        { id: 'colour', name: 'Colour', message: 'Favourite colour?', saveTo: '_FavoriteColor' },
        {
          id: 'budget',
          name: 'Budget',
          message: 'Your budget?',
          saveTo: '_Budget',
          next: { kind: 'finish' },
        },
      ],
      options: { createNote: false },
    });
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Jo', phone });
    writes.length = 0;
    await h.startByHttpPost(tool, contactId);
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    await h.text(phone, 'plum');
    await eventually(() => h.textsTo(phone).length === 2, 'the second question');
    // Budget is a whole-number field in Keap: it refuses this answer.
    await h.text(phone, 'about a thousand');
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'finished',
      'the conversation to finish',
    );
    await whenIdle(h);

    const tenant = h.sandbox.keap.tenant('sb101');
    const contact = h.sandbox.keap.describeContacts(tenant).find((c) => c.id === String(contactId));
    expect(contact?.custom_fields).toEqual(expect.objectContaining({ FavoriteColor: 'plum' }));
    expect(await eventsOf(h, phone, 'field_saved')).toEqual([
      { field: '_FavoriteColor', value: 'plum' },
    ]);
    expect(await eventsOf(h, phone, 'keap_work_stopped')).toEqual([
      expect.objectContaining({
        work: 'save_field',
        field: '_Budget',
        reason: expect.stringMatching(/whole number/),
      }),
    ]);
    const rows: { field: string; done: boolean; last_error: string | null }[] = await h.ds.query(
      `SELECT o.payload->>'field' AS field, o.done_at IS NOT NULL AS done, o.last_error
        FROM outbox o JOIN conversations c ON c.id = o.conversation_id
        WHERE c.phone = $1 AND o.kind = 'save_field' ORDER BY o.created_at`,
      [phone],
    );
    expect(rows).toEqual([
      { field: '_FavoriteColor', done: true, last_error: null },
      { field: '_Budget', done: true, last_error: expect.stringMatching(/whole number/) },
    ]);
  }, 90_000);
});

describe('runtime: field saves go at the latest after FIELD_SAVE_MAX_DELAY_MS', () => {
  const DELAY_MS = 1500;
  let h: RuntimeHarness;
  let writes: KeapWrite[];
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime({ FIELD_SAVE_MAX_DELAY_MS: String(DELAY_MS) });
    const { accountId } = await h.connectedAccount();
    writes = recordKeapWrites(h);
    tool = await h.publishedTool(accountId, {
      name: 'Slow replies',
      keyword: null,
      startMode: 'http_only',
      steps: [
        { id: 'colour', name: 'Colour', message: 'Favourite colour?', saveTo: '_FavoriteColor' },
        // Saves its reply, so it waits for one (a closing message would end the conversation).
        {
          id: 'job',
          name: 'Job',
          message: 'Your job title?',
          saveTo: 'JobTitle',
          next: { kind: 'finish' },
        },
      ],
      options: { createNote: false },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  /** A contact answers the first question and never the second; when the answer was sent. */
  async function answersFirstOnly(firstName: string) {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName, phone });
    await h.startByHttpPost(tool, contactId);
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    const answeredAt = Date.now();
    await h.text(phone, 'amber');
    return { phone, contactId, answeredAt };
  }

  async function savedWhileActive(phone: string, contactId: number, answeredAt: number) {
    await eventually(
      () => writesTo(writes, contactId).some((w) => w.op === 'updateContact'),
      'the answer saved in Keap',
      20_000,
    );
    const [update] = writesTo(writes, contactId);
    // Not before it was due (the relay did not publish it early), and with the conversation on.
    expect(update!.at - answeredAt).toBeGreaterThanOrEqual(DELAY_MS - 100);
    expect((await h.conversationsOf(phone))[0]?.status).toBe('awaiting_reply');
    const custom = h.sandbox.keap
      .describeContacts(h.sandbox.keap.tenant('sb101'))
      .find((c) => c.id === String(contactId))?.custom_fields;
    expect(custom).toEqual(expect.objectContaining({ FavoriteColor: 'amber' }));
    // Recorded once Keap answered (the row done in the same transaction).
    const saved = await eventually(async () => {
      const events = await eventsOf(h, phone, 'field_saved');
      return events.length > 0 ? events : null;
    }, 'the save recorded');
    expect(saved).toEqual([{ field: '_FavoriteColor', value: 'amber' }]);
  }

  it('saves an answer once it is due, while the conversation waits for the next reply', async () => {
    const { phone, contactId, answeredAt } = await answersFirstOnly('Hal');
    await savedWhileActive(phone, contactId, answeredAt);
  }, 60_000);

  it('saves it even when Redis lost its delayed job (the outbox row is the truth)', async () => {
    const { phone, contactId, answeredAt } = await answersFirstOnly('Ivy');
    const [row] = await eventually(async () => {
      const rows: { id: string }[] = await h.ds.query(
        `SELECT o.id FROM outbox o JOIN conversations c ON c.id = o.conversation_id
          WHERE c.phone = $1 AND o.kind = 'save_field'`,
        [phone],
      );
      return rows.length > 0 ? rows : null;
    }, 'the save asked for');
    const queue = h.t.app.get(OutboxPublisher).queue('save_field');
    const job = await eventually(
      async () => (await queue.getDelayed()).find((j) => j.data.outboxId === row!.id),
      'its delayed job',
    );
    await job.remove();
    await savedWhileActive(phone, contactId, answeredAt);
  }, 60_000);
});

describe('runtime: a conversation’s field saves go when it expires', () => {
  /** One "minute" of the tool's options lasts 50 ms here: a 40-minute expiry is 2 s. */
  const MINUTE_MS = 50;
  let h: RuntimeHarness;
  let writes: KeapWrite[];
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime({
      CONVERSATION_MINUTE_MS: String(MINUTE_MS),
      CONVERSATION_SWEEP_INTERVAL_MS: '50',
      FIELD_SAVE_MAX_DELAY_MS: '60000',
    });
    const { accountId } = await h.connectedAccount();
    writes = recordKeapWrites(h);
    tool = await h.publishedTool(accountId, {
      name: 'Expiring answers',
      keyword: null,
      startMode: 'http_only',
      steps: [
        { id: 'colour', name: 'Colour', message: 'Favourite colour?', saveTo: '_FavoriteColor' },
        {
          id: 'job',
          name: 'Job',
          message: 'Your job title?',
          saveTo: 'JobTitle',
          next: { kind: 'finish' },
        },
      ],
      options: { createNote: false, expiryMinutes: 40 },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('saves the answers given when the contact stops replying and the conversation expires', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Kim', phone });
    await h.startByHttpPost(tool, contactId);
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    await h.text(phone, 'navy');
    await eventually(() => h.textsTo(phone).length === 2, 'the second question');
    // Saves wait up to a minute here: nothing goes to Keap before the expiry.
    expect(writesTo(writes, contactId)).toEqual([]);
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'expired',
      'the expiry',
      10_000,
    );
    await whenIdle(h, 10_000);
    expect(writesTo(writes, contactId).map((w) => w.op)).toEqual(['updateContact']);
    const custom = h.sandbox.keap
      .describeContacts(h.sandbox.keap.tenant('sb101'))
      .find((c) => c.id === String(contactId))?.custom_fields;
    expect(custom).toEqual(expect.objectContaining({ FavoriteColor: 'navy' }));
    expect(await eventsOf(h, phone, 'field_saved')).toEqual([
      { field: '_FavoriteColor', value: 'navy' },
    ]);
  }, 60_000);
});
