import request from 'supertest';
import twilio from 'twilio';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, DEMO_NUMBER } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

/** Twilio's status callbacks: signed, recorded on the message, never moving a status backwards. */
describe('runtime: delivery status callbacks', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Receipts',
      keyword: null,
      startMode: 'http_only',
      steps: [{ id: 'hello', name: 'Hello', message: 'Did you get this?' }],
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  /** A text that went out and was reported delivered; its id and Twilio SID. */
  async function aDeliveredText(): Promise<{ id: string; sid: string; phone: string }> {
    const phone = await h.startContact(tool, 'Dee');
    return eventually(async () => {
      const [row] = await h.ds.query(
        `SELECT id, provider_sid AS sid, status FROM messages WHERE phone = $1 AND direction = 'out'`,
        [phone],
      );
      return row?.status === 'delivered' ? { id: row.id, sid: row.sid, phone } : undefined;
    }, 'the text to be reported delivered');
  }
  const statusOf = async (id: string) =>
    (await h.ds.query(`SELECT status, error_code FROM messages WHERE id = $1`, [id]))[0];
  /** Posts a status callback as Twilio would (signed with `authToken`). */
  function callback(
    text: { id: string; sid: string; phone: string },
    params: Record<string, string>,
    authToken = DEMO_AUTH_TOKEN,
  ) {
    const path = `/hooks/twilio/status?idempotencyKey=${text.id}`;
    const body = {
      AccountSid: DEMO_ACCOUNT_SID,
      MessageSid: text.sid,
      SmsSid: text.sid,
      From: DEMO_NUMBER,
      To: text.phone,
      ApiVersion: '2010-04-01',
      ...params,
    };
    return request(h.t.app.getHttpServer())
      .post(path)
      .type('form')
      .set(
        'X-Twilio-Signature',
        twilio.getExpectedTwilioSignature(authToken, h.publicUrl + path, body),
      )
      .send(body);
  }

  it('records the delivery Twilio reports (sent, then delivered, each answered 204)', async () => {
    const text = await aDeliveredText();
    await whenIdle(h);
    const reports = h.sandbox.twilio.webhooks.deliveries.filter(
      (d) => d.kind === 'status-callback' && d.params.MessageSid === text.sid,
    );
    expect(reports.map((r) => [r.params.MessageStatus, r.responseStatus])).toEqual([
      ['sent', 204],
      ['delivered', 204],
    ]);
    expect(await statusOf(text.id)).toEqual({ status: 'delivered', error_code: null });
  });

  it('a late report (sent, queued after delivered) never moves the status backwards', async () => {
    const text = await aDeliveredText();
    await callback(text, { MessageStatus: 'sent', SmsStatus: 'sent' }).expect(204);
    await callback(text, { MessageStatus: 'queued', SmsStatus: 'queued' }).expect(204);
    expect((await statusOf(text.id)).status).toBe('delivered');
  });

  it('refuses a callback with a bad signature (403) and changes nothing', async () => {
    const text = await aDeliveredText();
    const refused = await callback(
      text,
      { MessageStatus: 'undelivered', SmsStatus: 'undelivered', ErrorCode: '30006' },
      'not-the-auth-token',
    ).expect(403);
    expect(refused.body.error.code).toBeDefined();
    await request(h.t.app.getHttpServer())
      .post(`/hooks/twilio/status?idempotencyKey=${text.id}`)
      .type('form')
      .send({ AccountSid: DEMO_ACCOUNT_SID, MessageSid: text.sid, MessageStatus: 'failed' })
      .expect(403);
    await whenIdle(h);
    expect(await statusOf(text.id)).toEqual({ status: 'delivered', error_code: null });
    expect((await h.conversationsOf(text.phone))[0]?.status).toBe('awaiting_reply');
  });
});
