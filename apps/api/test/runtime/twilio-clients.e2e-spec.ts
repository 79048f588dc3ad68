import request from 'supertest';
import { SessionStore } from '../../src/session/session.store';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN } from './builders';
import { eventually, startRuntime, type RuntimeHarness } from './runtime-harness';

/**
 * The texts of one account go through one Twilio SDK client, over its kept-alive connection,
 * instead of a client (and a TLS connection) per text; saving the Twilio credentials again (a
 * reconnect from Settings) makes a new client.
 */
describe('runtime: one Twilio client per account and credentials', () => {
  let h: RuntimeHarness;
  let accountId: string;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
    tool = await h.publishedTool(accountId, {
      name: 'Welcome',
      keyword: null,
      startMode: 'http_only',
      steps: [{ id: 'hi', name: 'Hi', message: 'Welcome! Reply STOP to stop.' }],
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Starts a conversation with a new contact and waits for its text to go out. */
  const textANewContact = async () => {
    const phone = await h.startContact(tool, 'Kim');
    await eventually(() => h.textsTo(phone).length === 1, 'the text');
  };

  const reconnectTwilio = async () => {
    const { id, session } = await h.t.app.get(SessionStore).create(accountId);
    await request(h.t.app.getHttpServer())
      .put('/api/twilio/connection')
      .set('Cookie', `sms_session=${id}; sms_csrf=${session.csrfToken}`)
      .set('x-csrf-token', session.csrfToken)
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN })
      .expect(200);
  };

  it('two texts of one account go over one connection; after a reconnect, texts go over a new one', async () => {
    await textANewContact();
    await textANewContact();
    const [first, second] = h.twilioSendConnections();
    expect(second).toBe(first);

    await reconnectTwilio();
    await textANewContact();
    await textANewContact();
    const [, , third, fourth] = h.twilioSendConnections();
    expect(third).not.toBe(second);
    expect(fourth).toBe(third);
    expect(h.twilioSendConnections()).toHaveLength(4);
  });
});
