import request from 'supertest';
import { OutboxPublisher } from '../../src/outbox/outbox.publisher';
import { OutboxRepository } from '../../src/outbox/outbox.repository';
import { aKeapContact, aPhone, tagId, tagsOf } from '../runtime/builders';
import {
  eventually,
  type ConsoleBrowser,
  type RuntimeHarness,
  startRuntime,
  whenIdle,
} from '../runtime/runtime-harness';

/**
 * A campaign's HTTP Post is answered 202 before the contact is read; when the queued start then
 * cannot text (no such contact, nothing usable in the tool's phone field, the number busy or opted
 * out, the tool switched off meanwhile), it is listed with the refused starts in the marketer's
 * words, and no conversation is begun only to fail.
 */
describe('queued HTTP Post starts that cannot text', () => {
  let h: RuntimeHarness;
  let accountId: string;
  let browser: ConsoleBrowser;
  let tool: { toolId: string; secret: string };

  const post = (t: { toolId: string; secret: string }, contactId: number) =>
    request(h.t.app.getHttpServer())
      .post(`/hooks/tools/${t.toolId}/${t.secret}`)
      .type('form')
      .send({ contactId: String(contactId) })
      .expect(202);
  const refusedFor = (contactId: number) =>
    eventually(async () => {
      const res = await browser.get('/api/conversations/refused-starts').expect(200);
      return (res.body.items as { contactId?: number }[]).find((i) => i.contactId === contactId);
    }, `the refused start of contact ${contactId}`);
  const conversationsOfContact = async (contactId: number) =>
    h.ds.query(`SELECT id FROM conversations WHERE contact_id = $1`, [contactId]);
  /** Pat Jones, whose numbers are in Phone 1 only, or `phone3` in Phone 3. */
  const patJones = (phone3?: string) => {
    const tenant = h.sandbox.keap.tenant('sb101');
    const phones = [{ number: aPhone(), field: 'PHONE1' }];
    if (phone3 !== undefined) phones.push({ number: phone3, field: 'PHONE3' });
    const { contact } = h.sandbox.keap.createContact(tenant, {
      given_name: 'Pat',
      family_name: 'Jones',
      phone_numbers: phones,
    });
    return Number(contact.id);
  };

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
    tool = await h.publishedTool(accountId, {
      name: 'Offer',
      keyword: null,
      startMode: 'http_only',
      phoneField: 'Phone3',
      steps: [
        { id: 'hello', name: 'Hello', message: 'Hello! Which day suits you?' },
        { id: 'bye', name: 'Bye', message: 'Thanks!', next: { kind: 'finish' } },
      ],
      options: { invalidNumberTagId: tagId(h.sandbox, 'SMS: Invalid number') },
    });
    browser = await h.signedIn(accountId);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a contact Keap does not have: "Keap has no contact 987650"', async () => {
    await post(tool, 987650);
    expect(await refusedFor(987650)).toEqual({
      kind: 'http_post',
      id: expect.any(String),
      toolId: tool.toolId,
      toolName: 'Offer',
      contactId: 987650,
      contactName: null,
      startStep: null,
      receivedAt: expect.any(String),
      code: 'no_contact',
      reason: 'Keap has no contact 987650.',
    });
    expect(await conversationsOfContact(987650)).toEqual([]);
  });

  it('the tool’s phone field empty: names the contact and the field as the console shows it, and tags the number invalid', async () => {
    const pat = patJones();
    await post(tool, pat);
    expect(await refusedFor(pat)).toMatchObject({
      code: 'no_phone',
      reason: `Pat Jones (${pat}) has no number in Phone 3.`,
    });
    await eventually(
      () => tagsOf(h.sandbox, pat).includes('SMS: Invalid number'),
      'the invalid-number tag',
    );
    expect(await conversationsOfContact(pat)).toEqual([]);
  });

  it('a number that cannot be read: quoted, and nothing is sent', async () => {
    const pat = patJones('12');
    await post(tool, pat);
    expect(await refusedFor(pat)).toMatchObject({
      code: 'not_a_phone',
      reason: `Phone 3 of Pat Jones (${pat}), "12", is not a phone number.`,
    });
    expect(await conversationsOfContact(pat)).toEqual([]);
  });

  it('a number already in a conversation on the sender, and one that opted out', async () => {
    const phone = aPhone();
    const busy = patJones(phone);
    await post(tool, busy);
    await eventually(() => h.textsTo(phone).length === 1, 'the first text');
    // The conversation waits for the reply to "Hello": a second start is refused.
    await post(tool, busy);
    expect(await refusedFor(busy)).toMatchObject({
      code: 'in_conversation',
      reason: `Pat Jones (${busy}), at ${phone}, is already in a conversation on +14155550100.`,
    });

    const stopped = aPhone();
    await h.text(stopped, 'STOP');
    await eventually(
      async () =>
        (await h.ds.query(`SELECT 1 FROM opt_outs WHERE phone = $1`, [stopped])).length > 0,
      'the opt-out',
    );
    const optedOut = patJones(stopped);
    await post(tool, optedOut);
    expect(await refusedFor(optedOut)).toMatchObject({
      code: 'opted_out',
      reason: `Pat Jones (${optedOut}), at ${stopped}, has opted out of texts from +14155550100.`,
    });
    await whenIdle(h);
    expect(h.textsTo(phone)).toHaveLength(1);
    expect(h.textsTo(stopped)).toEqual([]);
  });

  it('the tool switched off after the post was accepted: nothing is sent', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Lee', phone });
    const late = await h.publishedTool(accountId, {
      name: 'Late',
      keyword: null,
      startMode: 'http_only',
      steps: [{ id: 'hello', name: 'Hello', message: 'Hello!', next: { kind: 'finish' } }],
    });
    const [row] = await h.ds.query(
      `SELECT published_version_id, live_sender_key FROM tools WHERE id = $1`,
      [late.toolId],
    );
    // As the tool URL stores it (accepted), then the tool is switched off before the worker runs.
    const [id] = await h.t.app.get(OutboxRepository).acceptHttpStarts([
      {
        accountId,
        payload: {
          toolId: late.toolId,
          toolVersionId: row.published_version_id,
          senderKey: row.live_sender_key,
          contactId,
          startStepId: null,
          receivedAt: new Date().toISOString(),
        },
      },
    ]);
    await h.ds.query(`UPDATE tools SET enabled = false WHERE id = $1`, [late.toolId]);
    await h.t.app.get(OutboxPublisher).publish([{ id: id!, kind: 'start_http' }]);
    expect(await refusedFor(contactId)).toMatchObject({
      toolName: 'Late',
      code: 'tool_disabled',
      reason: 'The tool “Late” was switched off before this start was performed.',
    });
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual([]);
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());
});
