import request from 'supertest';
import { SessionStore } from '../../src/session/session.store';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN } from '../runtime/builders';
import {
  eventually,
  type RuntimeHarness,
  startRuntime,
  whenIdle,
} from '../runtime/runtime-harness';

/**
 * The Auth Token is rotated in Twilio while a tool is live: the first text the app tries to send
 * is refused (20003), and the console's session says Twilio rejected the credentials, and why,
 * instead of still showing Twilio as connected.
 */
describe('a send refused for the credentials', () => {
  let h: RuntimeHarness;
  let accountId: string;
  let browser: ReturnType<typeof request.agent>;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
    tool = await h.publishedTool(accountId, {
      name: 'Hello',
      keyword: null,
      startMode: 'http_only',
      collectEmailFirst: false,
      steps: [{ id: 'hi', name: 'Hi', message: 'Hello there!', next: { kind: 'finish' } }],
    });
    const { id } = await h.t.app.get(SessionStore).create(accountId);
    browser = request.agent(h.t.app.getHttpServer()).set('Cookie', `sms_session=${id}`);
  });
  afterAll(async () => {
    await h?.close();
  });

  const start = () => h.startContact(tool, 'Pat', { form: true });
  const twilioOf = async () => (await browser.get('/api/session').expect(200)).body.twilio;

  it('marks the connection rejected with the reason; a send Twilio accepts again clears it', async () => {
    expect((await twilioOf()).status).toBe('connected');
    h.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, 'rotated-auth-token-0000000077');
    const phone = await start();
    const twilio = await eventually(async () => {
      const t = await twilioOf();
      return t.status === 'rejected' ? t : undefined;
    }, 'the session to show the rejection');
    expect(twilio.statusReason).toMatch(
      /Twilio refused the Auth Token of AC0+1 \(error 20003, .*\): it was changed \(rotated\)/,
    );
    expect(h.textsTo(phone)).toEqual([]);
    // The text is held for the credentials, not failed (test/runtime/credentials-rejected-send);
    // `sending` while a retry asks Twilio this moment.
    const [message] = await h.ds.query(
      `SELECT status, error_code FROM messages WHERE phone = $1 AND direction = 'out'`,
      [phone],
    );
    expect(message).toEqual({
      status: expect.stringMatching(/^(queued|sending)$/),
      error_code: null,
    });

    // The token is put back in Twilio: the held text and the next send go out, once each, and
    // the connection is healthy.
    h.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN);
    const next = await start();
    await eventually(() => h.textsTo(next).length === 1, 'the text to go out');
    await eventually(() => h.textsTo(phone).length === 1, 'the held text to go out');
    await whenIdle(h);
    expect([h.textsTo(phone), h.textsTo(next)]).toEqual([['Hello there!'], ['Hello there!']]);
    expect(await twilioOf()).toMatchObject({ status: 'connected', statusReason: null });
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());
});
