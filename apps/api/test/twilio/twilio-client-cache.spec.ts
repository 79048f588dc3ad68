import type { Socket } from 'node:net';
import type { OutgoingMessage } from '../../src/ports/sms-gateway.port';
import { TwilioClientCache } from '../../src/twilio/twilio-client-cache';
import { type TwilioCredentials, TwilioSmsGateway } from '../../src/twilio/twilio-sms-gateway';
import { startSandbox, type RunningSandbox } from '../support/twilio-test-harness';

const SENDER = '+14155550100';

/**
 * Gateways made per send share the SDK client of their account's credentials, and with it the
 * client's kept-alive connection: a burst of texts does not open a (TLS) connection per text.
 */
describe('TwilioClientCache: one SDK client per Twilio account and credentials', () => {
  let running: RunningSandbox;
  let credentials: TwilioCredentials;
  /** The connection each request to the sandbox came over, numbered as they first appeared. */
  let connectionOfEachRequest: number[];
  const numbers = new WeakMap<Socket, number>();
  let seen = 0;

  beforeAll(async () => {
    running = await startSandbox();
    running.server.on('request', (req: { socket: Socket }) => {
      let n = numbers.get(req.socket);
      if (n === undefined) numbers.set(req.socket, (n = ++seen));
      connectionOfEachRequest.push(n);
    });
  });
  afterAll(() => running.close());
  beforeEach(() => {
    running.sandbox.twilio.reset();
    connectionOfEachRequest = [];
    const { sid, authToken } = running.sandbox.twilio.demoAccount;
    credentials = { accountSid: sid, authToken };
  });

  const aText = (to: string): OutgoingMessage => ({
    to,
    sender: { kind: 'phone_number', phoneNumber: SENDER },
    body: 'Your table is ready.',
    idempotencyKey: to,
  });
  const gatewayFor = (c: TwilioCredentials, clients?: TwilioClientCache) =>
    new TwilioSmsGateway(c, { apiBaseUrl: running.url, ...(clients ? { clients } : {}) });

  it('two sends of one account, each through a gateway of its own, reuse one client and its connection', async () => {
    const clients = new TwilioClientCache();
    await gatewayFor(credentials, clients).send(aText('+14155550123'));
    await gatewayFor(credentials, clients).send(aText('+14155550124'));
    const [first, second] = connectionOfEachRequest;
    expect(second).toBe(first);
    expect(running.sandbox.twilio.messages).toHaveLength(2);
  });

  it('forgetting the account (its credentials saved again, or removed) makes a new client', async () => {
    const clients = new TwilioClientCache();
    await gatewayFor(credentials, clients).send(aText('+14155550123'));
    clients.forget(credentials.accountSid);
    await gatewayFor(credentials, clients).send(aText('+14155550124'));
    await gatewayFor(credentials, clients).send(aText('+14155550125'));
    const [before, after, again] = connectionOfEachRequest;
    expect(after).not.toBe(before);
    expect(again).toBe(after);
  });

  it('other credentials for the account (an API key instead of the Auth Token) get a client of their own', async () => {
    const clients = new TwilioClientCache();
    const key = running.sandbox.twilio.demoAccount.apiKeys[0]!;
    const withKey: TwilioCredentials = {
      accountSid: credentials.accountSid,
      apiKeySid: key.sid,
      apiKeySecret: key.secret,
    };
    await gatewayFor(credentials, clients).send(aText('+14155550123'));
    await gatewayFor(withKey, clients).send(aText('+14155550124'));
    const [withToken, withApiKey] = connectionOfEachRequest;
    expect(withApiKey).not.toBe(withToken);
    expect(running.sandbox.twilio.messages.map((m) => m.to)).toEqual([
      '+14155550123',
      '+14155550124',
    ]);
  });

  it('a gateway made without the cache has a client, and a connection, of its own', async () => {
    await gatewayFor(credentials).send(aText('+14155550123'));
    await gatewayFor(credentials).send(aText('+14155550124'));
    const [first, second] = connectionOfEachRequest;
    expect(second).not.toBe(first);
  });
});
