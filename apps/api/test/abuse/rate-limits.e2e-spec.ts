import request from 'supertest';
import twilio from 'twilio';
import { anInboundText, DEMO_AUTH_TOKEN } from '../runtime/builders';
import { startRuntime, type RuntimeHarness } from '../runtime/runtime-harness';

/**
 * Per-client limits on the endpoints anyone can call, end to end with limits set low. The app
 * trusts its loopback proxy here (TRUST_PROXY), so each X-Forwarded-For is another client.
 */
describe('abuse limits per client on the public endpoints', () => {
  let h: RuntimeHarness;
  let client = 0;
  /** A client of its own address, so each test starts with its whole allowance. */
  const aClient = () => {
    client += 1;
    const ip = `203.0.113.${client}`;
    return Object.assign(
      (method: 'get' | 'post', path: string) =>
        request(h.t.app.getHttpServer())[method](path).set('X-Forwarded-For', ip),
      { ip },
    );
  };

  beforeAll(async () => {
    h = await startRuntime({
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_KEAP_SIGN_IN_PER_MINUTE: '3',
      RATE_LIMIT_TOOL_URL_PER_MINUTE: '5',
      RATE_LIMIT_UNKNOWN_WEBHOOK_PER_MINUTE: '3',
    });
    await h.connectedAccount();
  });
  afterAll(() => h?.close());

  const expectRateLimited = (res: request.Response) => {
    expect({ status: res.status, body: res.body }).toEqual({
      status: 429,
      body: {
        error: {
          code: 'rate_limited',
          message: expect.stringMatching(
            /^Too many requests from your address\. Try again in \d+ seconds?\.$/,
          ),
        },
      },
    });
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  };

  it('"Connect Keap" and its callback: each limited per client, other clients unaffected', async () => {
    const call = aClient();
    for (let i = 0; i < 3; i++) await call('get', '/api/keap/connect').expect(302);
    expectRateLimited(await call('get', '/api/keap/connect'));
    // The callback counts on its own: a client stopped at the start can still finish a sign-in.
    for (let i = 0; i < 3; i++) await call('get', '/api/keap/callback?code=c&state=s').expect(302);
    expectRateLimited(await call('get', '/api/keap/callback?code=c&state=s'));
    await aClient()('get', '/api/keap/connect').expect(302);
  });

  it('tool URLs: limited per client', async () => {
    const call = aClient();
    const url = '/hooks/tools/00000000-0000-4000-8000-000000000000/not-the-secret';
    for (let i = 0; i < 5; i++) await call('post', url).send({ contactId: 1 }).expect(404);
    expectRateLimited(await call('post', url).send({ contactId: 1 }));
    await aClient()('post', url).send({ contactId: 1 }).expect(404);
  });

  it('Twilio webhooks of unknown AccountSids are limited; a connected account’s never are', async () => {
    const call = aClient();
    const unknown = anInboundText('+12125550177', { AccountSid: `AC${'cd'.repeat(16)}` });
    for (let i = 0; i < 3; i++)
      await call('post', '/hooks/twilio/sms').type('form').send(unknown).expect(403);
    expectRateLimited(await call('post', '/hooks/twilio/sms').type('form').send(unknown));
    expectRateLimited(await call('post', '/hooks/twilio/status').type('form').send(unknown));
    // The same client, over its limit, still delivers every signed text of a connected account.
    for (let i = 0; i < 10; i++) {
      const text = anInboundText('+12125550177', { Body: `burst ${i}` });
      await call('post', '/hooks/twilio/sms')
        .type('form')
        .set(
          'X-Twilio-Signature',
          twilio.getExpectedTwilioSignature(DEMO_AUTH_TOKEN, h.smsUrl, text),
        )
        .send(text)
        .expect(200);
    }
  });
});

describe('abuse limits without TRUST_PROXY (the default)', () => {
  let h: RuntimeHarness;
  beforeAll(async () => {
    h = await startRuntime({ RUN_WORKER_IN_API: 'false', RATE_LIMIT_KEAP_SIGN_IN_PER_MINUTE: '2' });
  });
  afterAll(() => h?.close());

  it('counts the connection’s address: a made-up X-Forwarded-For does not make a new client', async () => {
    const connect = (ip: string) =>
      request(h.t.app.getHttpServer()).get('/api/keap/connect').set('X-Forwarded-For', ip);
    await connect('198.51.100.1').expect(302);
    await connect('198.51.100.2').expect(302);
    await connect('198.51.100.3').expect(429);
  });
});
