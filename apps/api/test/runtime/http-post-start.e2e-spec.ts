import request from 'supertest';
import { HttpPostStartService } from '../../src/inbound/http-post-start.service';
import { OutboxRepository } from '../../src/outbox/outbox.repository';
import { ToolRepository } from '../../src/tools/tool.repository';
import { aKeapContact, aPhone } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

describe('runtime: HTTP Post start (the tool URL in a Keap campaign)', () => {
  let h: RuntimeHarness;
  let accountId: string;
  let tool: { toolId: string; secret: string };
  const steps = [
    { id: 'welcome', name: 'Welcome', message: 'Hi ~Contact.FirstName~, welcome!' },
    {
      id: 'feedback',
      name: 'Ask for feedback',
      message: 'How did we do, ~Contact.FirstName~?',
      next: { kind: 'finish' as const },
    },
  ];

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
    tool = await h.publishedTool(accountId, {
      name: 'Campaign tool',
      keyword: null,
      startMode: 'http_only',
      steps,
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  const post = (path: string) => request(h.t.app.getHttpServer()).post(path);
  const toolUrl = (t = tool) => `/hooks/tools/${t.toolId}/${t.secret}`;

  it('starts at step 1 from a form-encoded contactId, as Keap sends it (202 at once)', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, {
      firstName: 'Ada',
      phone: phone.replace('+1', '(').replace(/^\((\d{3})(\d{3})/, '($1) $2-'),
    });
    const res = await post(toolUrl())
      .type('form')
      .send({ contactId: String(contactId) });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: true, requestId: expect.any(String) });
    await eventually(() => h.textsTo(phone).length === 1, 'the first step');
    expect(h.textsTo(phone)).toEqual(['Hi Ada, welcome!']);
    expect(await h.conversationsOf(phone)).toEqual([
      expect.objectContaining({
        status: 'awaiting_reply',
        current_step_id: 'welcome',
        contact_id: contactId,
      }),
    ]);
  });

  it('starts at a named step (by name in the query, by id in a JSON body)', async () => {
    const byName = aPhone();
    const ada = aKeapContact(h.sandbox, { firstName: 'Ada', phone: byName });
    const res = await post(`${toolUrl()}?step=${encodeURIComponent('ask for FEEDBACK')}`)
      .type('form')
      .send({ contactId: String(ada) });
    expect(res.status).toBe(202);
    await eventually(() => h.textsTo(byName).length === 1, 'the named step');
    expect(h.textsTo(byName)).toEqual(['How did we do, Ada?']);

    const byId = aPhone();
    const bob = aKeapContact(h.sandbox, { firstName: 'Bob', phone: byId });
    const json = await post(toolUrl()).send({ contactId: bob, step: 'feedback' });
    expect(json.status).toBe(202);
    await eventually(() => h.textsTo(byId).length === 1, 'the step by id');
    expect(h.textsTo(byId)).toEqual(['How did we do, Bob?']);
    expect((await h.conversationsOf(byId))[0]?.current_step_id).toBe('feedback');
  });

  it('reads Keap once per start: the field model is cached per account, shared by the jobs', async () => {
    const phones = [aPhone(), aPhone()];
    for (const phone of phones) {
      const contactId = aKeapContact(h.sandbox, { firstName: 'Di', phone });
      await post(toolUrl()).send({ contactId }).expect(202);
      await eventually(() => h.textsTo(phone).length === 1, 'the first step');
    }
    const [{ keap_calls: calls }] = await h.ds.query(
      `SELECT keap_calls FROM conversations WHERE phone = $1`,
      [phones[1]],
    );
    // A start alone is read with an `ids==` list of one (batched-contact-reads.e2e-spec.ts).
    expect(calls).toEqual({ 'contacts.list': 1 });
  });

  it('does not start a second conversation for a number already in one on this sender', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Cy', phone });
    await post(toolUrl())
      .type('form')
      .send({ contactId: String(contactId) })
      .expect(202);
    await eventually(() => h.textsTo(phone).length === 1, 'the first step');
    await post(toolUrl())
      .type('form')
      .send({ contactId: String(contactId) })
      .expect(202);
    await whenIdle(h);
    expect(h.textsTo(phone)).toHaveLength(1);
    expect(await h.conversationsOf(phone)).toHaveLength(1);
  });

  describe('answers a clear 4xx and starts nothing', () => {
    const cases: [string, () => Promise<request.Response>, number, string, RegExp][] = [
      [
        'an unknown tool',
        () =>
          post(`/hooks/tools/00000000-0000-4000-8000-000000000000/${tool.secret}`)
            .type('form')
            .send({ contactId: '1' }),
        404,
        'tool_not_found',
        /No tool has this URL/,
      ],
      [
        'a tool id that is no id',
        () => post(`/hooks/tools/not-a-tool/${tool.secret}`).type('form').send({ contactId: '1' }),
        404,
        'tool_not_found',
        /Copy the tool URL again/,
      ],
      [
        'a bad secret',
        () =>
          post(`/hooks/tools/${tool.toolId}/wrong-secret`).type('form').send({ contactId: '1' }),
        404,
        'tool_not_found',
        /No tool has this URL/,
      ],
      [
        'a missing contactId',
        () => post(toolUrl()).type('form').send({ name: 'x' }),
        400,
        'invalid_contact_id',
        /sent no contact id.*"contactId".*"~Contact\.Id~"/,
      ],
      ['an empty body', () => post(toolUrl()), 400, 'invalid_contact_id', /sent no contact id/],
      [
        'a malformed contactId',
        () => post(toolUrl()).type('form').send({ contactId: '~Contact.Id~' }),
        400,
        'invalid_contact_id',
        /whole number.*"~Contact\.Id~"/,
      ],
      [
        'a contactId that is an object (String() of it throws)',
        () => post(toolUrl()).send({ contactId: { toString: null } }),
        400,
        'invalid_contact_id',
        /something other than a number.*whole number/,
      ],
      [
        'a negative contactId',
        () => post(toolUrl()).send({ contactId: -4 }),
        400,
        'invalid_contact_id',
        /whole number/,
      ],
      [
        'an unknown step',
        () => post(`${toolUrl()}?step=nowhere`).type('form').send({ contactId: '1' }),
        400,
        'unknown_step',
        /no step "nowhere".*"Welcome", "Ask for feedback"/,
      ],
    ];
    it.each(cases)('%s', async (_what, send, status, code, message) => {
      const before = await h.ds.query(
        `SELECT count(*)::int AS n FROM outbox WHERE kind = 'start_http'`,
      );
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toMatch(message);
      expect(
        await h.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE kind = 'start_http'`),
      ).toEqual(before);
    });

    it('a tool that is not published', async () => {
      const draft = await h.publishedTool(accountId, {
        name: 'Draft',
        keyword: null,
        startMode: 'http_only',
        steps,
      });
      await h.ds.query(`UPDATE tools SET published_version_id = NULL WHERE id = $1`, [
        draft.toolId,
      ]);
      const res = await post(toolUrl(draft)).type('form').send({ contactId: '1' });
      expect(res.status).toBe(409);
      expect(res.body.error).toEqual({
        code: 'tool_not_published',
        message: expect.stringMatching(/Publish it in the console/),
      });
    });

    it('a tool that is switched off', async () => {
      const off = await h.publishedTool(accountId, {
        name: 'Off',
        keyword: null,
        startMode: 'http_only',
        steps,
      });
      await h.ds.query(`UPDATE tools SET enabled = false WHERE id = $1`, [off.toolId]);
      const res = await post(toolUrl(off)).type('form').send({ contactId: '1' });
      expect(res.status).toBe(409);
      expect(res.body.error).toEqual({
        code: 'tool_disabled',
        message: expect.stringMatching(/Switch it on/),
      });
    });

    it('a tool whose Keap account is disconnected', async () => {
      await h.ds.query(
        `UPDATE accounts SET status = 'disconnected', status_reason = 'Keap access was revoked or has expired.' WHERE id = $1`,
        [accountId],
      );
      try {
        const res = await post(toolUrl()).type('form').send({ contactId: '1' });
        expect(res.status).toBe(409);
        expect(res.body.error).toEqual({
          code: 'account_disconnected',
          message: expect.stringMatching(/disconnected \(Keap access was revoked .*Reconnect Keap/),
        });
      } finally {
        await h.ds.query(
          `UPDATE accounts SET status = 'active', status_reason = NULL WHERE id = $1`,
          [accountId],
        );
      }
    });
  });

  it('posts that arrive together share one read and one insert, each answered as itself', async () => {
    const other = await h.publishedTool(accountId, {
      name: 'Other campaign tool',
      keyword: null,
      startMode: 'http_only',
      steps,
    });
    const off = await h.publishedTool(accountId, {
      name: 'Off together',
      keyword: null,
      startMode: 'http_only',
      steps,
    });
    await h.ds.query(`UPDATE tools SET enabled = false WHERE id = $1`, [off.toolId]);
    const good = [tool, other, tool, other].map((t, i) => {
      const phone = aPhone();
      return { t, phone, contactId: aKeapContact(h.sandbox, { firstName: `P${i}`, phone }) };
    });
    const service = h.t.app.get(HttpPostStartService);
    const reads = jest.spyOn(h.t.app.get(ToolRepository), 'toolUrlStarts');
    const inserts = jest.spyOn(h.t.app.get(OutboxRepository), 'acceptHttpStarts');
    try {
      // All in one turn of the event loop, as a campaign's burst reaches the API.
      const outcomes = await Promise.allSettled([
        ...good.map((g) => service.accept(g.t.toolId, g.t.secret, String(g.contactId), undefined)),
        service.accept(tool.toolId, 'wrong-secret', '1', undefined),
        service.accept('00000000-0000-4000-8000-000000000000', tool.secret, '1', undefined),
        service.accept(off.toolId, off.secret, '1', undefined),
        service.accept(tool.toolId, tool.secret, 'nope', undefined),
        service.accept(other.toolId, other.secret, '1', 'nowhere'),
      ]);
      expect(reads).toHaveBeenCalledTimes(1);
      expect(inserts).toHaveBeenCalledTimes(1);
      expect(outcomes.map((o) => o.status)).toEqual([
        ...good.map(() => 'fulfilled'),
        ...Array.from({ length: 5 }, () => 'rejected'),
      ]);
      expect(
        outcomes.slice(good.length).map((o) => (o as PromiseRejectedResult).reason.code),
      ).toEqual([
        'tool_not_found',
        'tool_not_found',
        'tool_disabled',
        'invalid_contact_id',
        'unknown_step',
      ]);
      expect(
        outcomes
          .slice(good.length)
          .map((o) => (o as PromiseRejectedResult).reason.constructor.name),
      ).toEqual([
        'ToolUrlNotFoundError',
        'ToolUrlNotFoundError',
        'ToolNotStartableError',
        'ContactIdInvalidError',
        'StartStepUnknownError',
      ]);
      // Each post's id is its own row: its tool and its contact.
      const ids = outcomes
        .slice(0, good.length)
        .map((o) => (o as PromiseFulfilledResult<string>).value);
      const rows: { id: string; tool_id: string; contact_id: number }[] = await h.ds.query(
        `SELECT id, payload->>'toolId' AS tool_id, (payload->>'contactId')::int AS contact_id
           FROM outbox WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      expect(ids.map((id) => rows.find((r) => r.id === id))).toEqual(
        good.map((g, i) => ({ id: ids[i], tool_id: g.t.toolId, contact_id: g.contactId })),
      );
    } finally {
      reads.mockRestore();
      inserts.mockRestore();
    }
    for (const g of good) await eventually(() => h.textsTo(g.phone).length === 1, 'its first text');
    expect(good.map((g) => h.textsTo(g.phone))).toEqual(good.map((_, i) => [`Hi P${i}, welcome!`]));
  });

  it('a contact Keap does not know is accepted (Keap cannot wait) but starts nothing, and says why', async () => {
    const res = await post(toolUrl()).type('form').send({ contactId: '987654' });
    expect(res.status).toBe(202);
    const note = await eventually(async () => {
      const [row] = await h.ds.query(`SELECT done_at, last_error FROM outbox WHERE id = $1`, [
        res.body.requestId,
      ]);
      return row?.done_at ? row.last_error : undefined;
    }, 'the start to be handled');
    expect(note).toBe('Keap has no contact 987654.');
    // Kept for the console's refused starts, not only on the queue's row.
    expect(
      await h.ds.query(`SELECT code, reason FROM refused_http_starts WHERE contact_id = 987654`),
    ).toEqual([{ code: 'no_contact', reason: 'Keap has no contact 987654.' }]);
  });
});
