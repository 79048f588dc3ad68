import request from 'supertest';
import { SessionStore } from '../../src/session/session.store';
import { anAccountConnectedTo, aPhone } from '../runtime/builders';
import { eventually, type RuntimeHarness, startRuntime } from '../runtime/runtime-harness';

/**
 * A Keap campaign's "Send HTTP Post" reaches a tool URL with the right secret but cannot start
 * (Keap disconnected, the tool not published): Keap is answered as before, which no marketer sees
 * in Keap, so the console's refused starts list it, with the contact, the tool and why.
 */
describe('HTTP Post starts that started nothing', () => {
  let h: RuntimeHarness;
  let accountId: string;
  let colour: { toolId: string; secret: string };
  let browser: ReturnType<typeof request.agent>;
  const steps = [
    { id: 'ask', name: 'Ask', message: 'Blue or red, ~Contact.FirstName~?' },
    { id: 'thanks', name: 'Thanks', message: 'Thanks!', next: { kind: 'finish' as const } },
  ];

  const signedIn = async (account: string) => {
    const { id } = await h.t.app.get(SessionStore).create(account);
    return request.agent(h.t.app.getHttpServer()).set('Cookie', `sms_session=${id}`);
  };
  const post = (tool: { toolId: string; secret: string }, contactId: number, query = '') =>
    request(h.t.app.getHttpServer())
      .post(`/hooks/tools/${tool.toolId}/${tool.secret}${query}`)
      .type('form')
      .send({ contactId: String(contactId) });
  const refusedStarts = async (agent = browser, query = '') =>
    (await agent.get(`/api/conversations/refused-starts${query}`).expect(200)).body.items;
  /** Another account (its own Keap app name and Twilio account). */
  const anotherAccount = (name: string, sid: string) =>
    anAccountConnectedTo(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      tenantId: 'sb101',
      name,
      twilio: { accountSid: sid, authToken: `token-of-${name}` },
    });
  const setKeap = (status: 'active' | 'disconnected') =>
    h.ds.query(`UPDATE accounts SET status = $2, status_reason = $3 WHERE id = $1`, [
      accountId,
      status,
      status === 'active' ? null : 'Keap access was revoked or has expired.',
    ]);

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
    colour = await h.publishedTool(accountId, {
      name: 'Colour',
      keyword: null,
      startMode: 'http_only',
      steps,
    });
    browser = await signedIn(accountId);
  });
  afterAll(async () => {
    await h?.close();
  });

  let patId: number;
  let refusedWhileDisconnected: string;

  it('Keap disconnected: Keap is answered 409 as before, and the list names the contact, the tool and why', async () => {
    // Pat was in a conversation before, so the app knows Pat's first name without Keap.
    const phone = await h.startContact(colour, 'Pat');
    await eventually(() => h.textsTo(phone).length === 1, 'the first step');
    const [conversation] = await h.conversationsOf(phone);
    patId = Number(conversation?.contact_id);

    await setKeap('disconnected');
    try {
      const res = await post(colour, patId, '?step=Thanks');
      expect(res.status).toBe(409);
      expect(res.body.error).toEqual({
        code: 'account_disconnected',
        message:
          'The Keap account of this tool is disconnected (Keap access was revoked or has expired). Reconnect Keap in the console, then run the campaign again.',
      });
      const items = await refusedStarts();
      expect(items).toEqual([
        {
          kind: 'http_post',
          id: expect.any(String),
          toolId: colour.toolId,
          toolName: 'Colour',
          contactId: patId,
          contactName: 'Pat',
          startStep: 'Thanks',
          receivedAt: expect.any(String),
          code: 'account_disconnected',
          reason: res.body.error.message,
        },
      ]);
      expect(Date.now() - Date.parse(items[0].receivedAt)).toBeLessThan(60_000);
      refusedWhileDisconnected = items[0].id;
    } finally {
      await setKeap('active');
    }
    // Nothing was started for Pat meanwhile: still the one conversation, one text.
    expect(h.textsTo(phone)).toHaveLength(1);
  });

  it('a tool that is not published, and a step the tool does not have: listed newest first, with a contact the app never saw', async () => {
    const draft = await h.publishedTool(accountId, {
      name: 'Draft offer',
      keyword: null,
      startMode: 'http_only',
      steps,
    });
    await h.ds.query(`UPDATE tools SET published_version_id = NULL WHERE id = $1`, [draft.toolId]);
    const unpublished = await post(draft, 4242);
    expect(unpublished.status).toBe(409);
    expect(unpublished.body.error).toEqual({
      code: 'tool_not_published',
      message:
        'This tool is not published yet. Publish it in the console, then run the campaign again.',
    });
    const unknownStep = await post(colour, patId, '?step=nowhere');
    expect(unknownStep.status).toBe(400);
    expect(unknownStep.body.error.code).toBe('unknown_step');

    const items = await refusedStarts();
    expect(items.map((i: { kind: string; code: string }) => `${i.kind}:${i.code}`)).toEqual([
      'http_post:unknown_step',
      'http_post:tool_not_published',
      'http_post:account_disconnected',
    ]);
    expect(items[0]).toMatchObject({
      toolName: 'Colour',
      contactId: patId,
      startStep: 'nowhere',
      reason: expect.stringMatching(/no step "nowhere".*"Ask", "Thanks"/),
    });
    expect(items[1]).toMatchObject({
      toolId: draft.toolId,
      toolName: 'Draft offer',
      contactId: 4242,
      contactName: null,
      startStep: null,
      reason: unpublished.body.error.message,
    });
    expect(items[2].id).toBe(refusedWhileDisconnected);
  });

  it('a wrong secret or an unknown tool is answered 404 and kept nowhere (unauthenticated noise)', async () => {
    const before = await refusedStarts();
    await setKeap('disconnected');
    try {
      for (const url of [
        `/hooks/tools/${colour.toolId}/not-the-secret`,
        `/hooks/tools/00000000-0000-4000-8000-000000000000/${colour.secret}`,
      ]) {
        const res = await request(h.t.app.getHttpServer())
          .post(url)
          .type('form')
          .send({ contactId: String(patId) });
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('tool_not_found');
      }
    } finally {
      await setKeap('active');
    }
    expect(await refusedStarts()).toEqual(before);
    expect(
      await h.ds.query(`SELECT count(*)::int AS n FROM refused_http_starts WHERE account_id = $1`, [
        accountId,
      ]),
    ).toEqual([{ n: before.length }]);
  });

  it('lists keyword texts and HTTP Posts together, newest first, and ?limit= keeps the newest', async () => {
    await h.publishedTool(accountId, {
      name: 'Deal',
      keyword: 'DEAL',
      steps: [{ id: 'ask', name: 'Ask', message: 'Which deal?', next: { kind: 'finish' } }],
    });
    await setKeap('disconnected');
    try {
      const phone = aPhone();
      await h.text(phone, 'deal');
      await eventually(async () => {
        const items = await refusedStarts();
        return items[0]?.kind === 'text' ? true : undefined;
      }, 'the refused text to be listed');
      expect((await post(colour, patId)).status).toBe(409);
      const items = await refusedStarts();
      expect(items.slice(0, 2)).toEqual([
        expect.objectContaining({
          kind: 'http_post',
          code: 'account_disconnected',
          startStep: null,
        }),
        {
          kind: 'text',
          id: expect.any(String),
          phone,
          sender: 'phone:+14155550100',
          body: 'deal',
          receivedAt: expect.any(String),
          code: 'keap_disconnected',
          reason: expect.stringMatching(/Keap is disconnected/),
        },
      ]);
      expect(items).toHaveLength(5);
      expect(await refusedStarts(browser, '?limit=2')).toEqual(items.slice(0, 2));
    } finally {
      await setKeap('active');
    }
  });

  it.each(['0', 'abc', '201', '1.5'])('?limit=%s answers 400 naming limit', async (limit) => {
    const res = await browser.get(`/api/conversations/refused-starts?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_input',
      details: [{ path: ['limit'], message: 'must be a whole number from 1 to 200' }],
    });
  });

  it('another account sees none of them', async () => {
    const other = await anotherAccount('Other', 'AC00000000000000000000000000000a02');
    const tool = await h.publishedTool(other.accountId, {
      name: 'Other',
      keyword: null,
      startMode: 'http_only',
      steps,
    });
    await h.ds.query(`UPDATE tools SET enabled = false WHERE id = $1`, [tool.toolId]);
    expect((await post(tool, patId)).status).toBe(409);
    const otherBrowser = await signedIn(other.accountId);
    const theirs = await refusedStarts(otherBrowser);
    expect(theirs).toEqual([
      expect.objectContaining({ kind: 'http_post', toolName: 'Other', code: 'tool_disabled' }),
    ]);
    const mine = await refusedStarts();
    expect(mine.map((i: { id: string }) => i.id)).not.toContain(theirs[0].id);
    expect(mine.some((i: { toolName?: string }) => i.toolName === 'Other')).toBe(false);
    expect(
      (await refusedStarts(otherBrowser)).some(
        (i: { toolId?: string }) => i.toolId === colour.toolId,
      ),
    ).toBe(false);
  });

  it('an account keeps its newest 500 refused HTTP starts', async () => {
    const busy = await anotherAccount('Busy', 'AC00000000000000000000000000000a03');
    const tool = await h.publishedTool(busy.accountId, {
      name: 'Busy',
      keyword: null,
      startMode: 'http_only',
      steps,
    });
    await h.ds.query(`UPDATE tools SET published_version_id = NULL WHERE id = $1`, [tool.toolId]);
    await h.ds.query(
      `INSERT INTO refused_http_starts (account_id, tool_id, contact_id, code, reason, created_at)
       SELECT $1, $2, n, 'tool_not_published', 'old', now() - n * interval '1 minute' FROM generate_series(1, 500) n`,
      [busy.accountId, tool.toolId],
    );
    expect((await post(tool, 77)).status).toBe(409);
    const [{ n, newest, oldest }] = await h.ds.query(
      `SELECT count(*)::int AS n, max(contact_id) FILTER (WHERE reason <> 'old') AS newest, max(contact_id) FILTER (WHERE reason = 'old') AS oldest FROM refused_http_starts WHERE account_id = $1`,
      [busy.accountId],
    );
    expect({ n, newest, oldest }).toEqual({ n: 500, newest: 77, oldest: 499 });
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());
});
