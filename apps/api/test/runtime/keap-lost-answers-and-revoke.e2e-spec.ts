import request from 'supertest';
import { SessionStore } from '../../src/session/session.store';
import { aCustomer } from '../keap-budget/budget-builders';
import {
  aConnectedAccount,
  aKeapContact,
  aPhone,
  aPublishedTool,
  aTool,
  notesOf,
} from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

describe('runtime: Keap answers lost, and a grant revoked mid-conversation', () => {
  let h: RuntimeHarness;

  beforeAll(async () => {
    h = await startRuntime();
  });

  afterAll(async () => {
    await h?.close();
  });

  const fault = (body: Record<string, unknown>) =>
    request(h.sandboxUrl).post('/sandbox/keap/faults').send(body).expect(200);
  const keapCallsOf = async (conversationId: string): Promise<Record<string, number>> =>
    (await h.ds.query(`SELECT keap_calls FROM conversations WHERE id = $1`, [conversationId]))[0]
      .keap_calls;
  const detail = async (accountId: string, conversationId: string) => {
    const { id } = await h.t.app.get(SessionStore).create(accountId);
    return (
      await request(h.t.app.getHttpServer())
        .get(`/api/conversations/${conversationId}`)
        .set('Cookie', `sms_session=${id}`)
        .expect(200)
    ).body as { events: { type: string; detail: Record<string, unknown> }[] };
  };

  it('writes one note with one transcript per run when Keap applies a note write but its answer is lost', async () => {
    const { accountId } = await aConnectedAccount(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
    });
    const tool = await aPublishedTool(
      h.ds,
      accountId,
      aTool({
        name: 'Lost answers',
        keyword: null,
        startMode: 'http_only',
        // "The next message" with none below: the reply ends it (a closing message would end as
        // it is sent; a save would add Keap calls).
        steps: [{ id: 'q', name: 'Q', message: 'How was your visit?' }],
        options: { createNote: true },
      }),
    );
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Ola', phone });
    const run = async (answer: string, n: number): Promise<string> => {
      await request(h.t.app.getHttpServer())
        .post(`/hooks/tools/${tool.toolId}/${tool.secret}`)
        .send({ contactId })
        .expect(202);
      await eventually(() => h.textsTo(phone).length === n, 'the question');
      await h.text(phone, answer);
      const conversation = await eventually(async () => {
        const c = (await h.conversationsOf(phone))[n - 1];
        return c?.status === 'finished' ? c : undefined;
      }, 'the end');
      await whenIdle(h);
      return conversation.id;
    };
    const runs = (text: string, marker: string) => text.split(marker).length - 1;

    // 1. Keap creates the note, and the answer comes back 502.
    await fault({ count: 1, status: 502, afterApplying: true, operations: ['createNote'] });
    const first = await run('Lovely', 1);
    expect(notesOf(h.sandbox, contactId)).toHaveLength(1);
    expect(runs(notesOf(h.sandbox, contactId)[0]!.text!, `(ref ${first})`)).toBe(1);
    // The lost answer cost one look for the note (by title), not a second note.
    expect(await keapCallsOf(first)).toMatchObject({
      'notes.create': 1,
      'notes.list': 1,
      'oauth.userinfo': 1,
    });

    // 2. No fault: an append is one read and one write; the note user is not read again.
    const second = await run('Even better', 2);
    const calls2 = await keapCallsOf(second);
    expect(calls2['notes.get']).toBe(1);
    expect(calls2['notes.update']).toBe(1);
    expect(calls2['oauth.userinfo']).toBeUndefined();

    // 3. Keap applies the append and the connection drops before the answer.
    await fault({ count: 1, afterApplying: true, drop: true, operations: ['updateNote'] });
    const third = await run('Best yet', 3);
    const notes = notesOf(h.sandbox, contactId);
    expect(notes).toHaveLength(1);
    const text = notes[0]!.text!;
    for (const id of [first, second, third]) expect(runs(text, `(ref ${id})`)).toBe(1);
    for (const answer of ['Lovely', 'Even better', 'Best yet'])
      expect(runs(text, `Contact: ${answer}`)).toBe(1);
    expect(text.indexOf('Lovely')).toBeLessThan(text.indexOf('Even better'));
    expect(text.indexOf('Even better')).toBeLessThan(text.indexOf('Best yet'));
    // The note was written as the Keap app's user (userinfo's sub), which the sandbox checks.
    expect(h.sandbox.keap.tenant('sb101').notes.get(notes[0]!.id)?.user_id).toBe('1');
  });

  it('stops a conversation’s Keap work with a visible reason when the grant is revoked, without retrying', async () => {
    const { accountId, number } = await aCustomer(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
      tenantId: 'revoked1',
    });
    const tool = await aPublishedTool(
      h.ds,
      accountId,
      aTool({
        name: 'Revoked',
        sender: { kind: 'phone_number', phoneNumber: number },
        keyword: null,
        startMode: 'http_only',
        steps: [
          { id: 'colour', name: 'Colour', message: 'Favourite colour?', saveTo: 'Nickname' },
          { id: 'city', name: 'City', message: 'And your city?', next: { kind: 'finish' } },
        ],
      }),
    );
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Rae', phone }, 'revoked1');
    await request(h.t.app.getHttpServer())
      .post(`/hooks/tools/${tool.toolId}/${tool.secret}`)
      .send({ contactId })
      .expect(202);
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    const [conversation] = await h.conversationsOf(phone);

    // The user disconnects the app in Keap while the contact is mid-conversation.
    await request(h.sandboxUrl)
      .post('/sandbox/keap/grants/revoke')
      .send({ tenantId: 'revoked1' })
      .expect(200);
    const attempts = jest.spyOn(h.sandbox.keap, 'authenticate');
    await h.text(phone, 'Green', { to: number });
    await eventually(() => h.textsTo(phone).length === 2, 'the next question, Keap or not');
    await whenIdle(h);

    // The field save stopped with its reason on the conversation, as the console shows it.
    const events = (await detail(accountId, conversation!.id)).events;
    const stopped = events.filter((e) => e.type === 'keap_work_stopped');
    expect(stopped).toEqual([
      {
        type: 'keap_work_stopped',
        detail: expect.objectContaining({
          work: 'save_field',
          code: 'keap_disconnected',
          reason: expect.stringMatching(/Keap is disconnected/),
        }),
        createdAt: expect.any(String),
      },
    ]);
    // No retry storm: one refused attempt, then nothing more for this account.
    expect(attempts.mock.calls.length).toBeLessThanOrEqual(1);
    const [row] = await h.ds.query(
      `SELECT done_at, last_error FROM outbox WHERE conversation_id = $1 AND kind = 'save_field'`,
      [conversation!.id],
    );
    expect(row.done_at).not.toBeNull();
    expect(row.last_error).toMatch(/Keap is disconnected/);
    const fields = h.sandbox.keap.describeContacts(h.sandbox.keap.tenant('revoked1'));
    expect(fields.find((c) => c.id === String(contactId))?.custom_fields).not.toMatchObject({
      Nickname: 'Green',
    });
    attempts.mockRestore();
  });
});
