import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import twilio from 'twilio';
import { createSandbox, type Sandbox } from '../app';
import { connectionOverridesOf } from './webhook-sender';

const PHONE = '+14155550123';
const NUMBER = '+14155550100';

interface Hit {
  path: string;
  signature: string | undefined;
  params: Record<string, string>;
}

/** An app whose answers a test scripts: the next statuses, then 200 with empty TwiML. */
async function startApp() {
  const hits: Hit[] = [];
  const statuses: number[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/{*path}', (req, res) => {
    hits.push({
      path: req.path,
      signature: req.header('x-twilio-signature'),
      params: req.body as Record<string, string>,
    });
    res
      .status(statuses.shift() ?? 200)
      .type('text/xml')
      .send('<Response/>');
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    statuses,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("the Twilio stand-in honours a webhook URL's connection overrides", () => {
  let sandbox: Sandbox;
  let app: Awaited<ReturnType<typeof startApp>>;
  const auth = () => {
    const account = sandbox.twilio.demoAccount;
    return 'Basic ' + Buffer.from(`${account.sid}:${account.authToken}`).toString('base64');
  };
  const number = () => sandbox.twilio.numberByPhone(NUMBER)!;
  const text = (body: string) => sandbox.twilio.receiveInbound({ from: PHONE, to: NUMBER, body });

  beforeAll(async () => {
    sandbox = createSandbox({ publicUrl: 'http://127.0.0.1:4010' });
    sandbox.twilio.webhooks.retryDelayMs = 20;
    app = await startApp();
  });
  afterAll(async () => {
    await sandbox.twilio.whenIdle();
    await app.close();
  });
  beforeEach(async () => {
    await sandbox.twilio.whenIdle();
    sandbox.twilio.reset();
    app.hits.length = 0;
    app.statuses.length = 0;
  });

  it("reads rc, rp, rt and tt with Twilio's defaults and bounds", () => {
    expect(connectionOverridesOf('https://a.example/sms')).toEqual({
      retryCount: 1,
      retryPolicy: new Set(['ct', 'rt']),
      readTimeoutMs: 15_000,
      totalTimeMs: 15_000,
    });
    expect(connectionOverridesOf('https://a.example/sms#rc=9&rp=5xx,ct&rt=50&tt=2000')).toEqual({
      retryCount: 5,
      retryPolicy: new Set(['5xx', 'ct']),
      readTimeoutMs: 100,
      totalTimeMs: 2000,
    });
  });

  it('keeps the URL as set, fragment and fallback included, and signs over the URL it requests', async () => {
    const smsUrl = `${app.url}/sms?tool=a#rc=5&rp=5xx,ct,rt`;
    await request(sandbox.app)
      .post(
        `/2010-04-01/Accounts/${sandbox.twilio.demoAccount.sid}/IncomingPhoneNumbers/${number().sid}.json`,
      )
      .set('Authorization', auth())
      .type('form')
      .send({ SmsUrl: smsUrl, SmsFallbackUrl: smsUrl })
      .expect(200)
      .expect((res) => {
        expect(res.body.sms_url).toBe(smsUrl);
        expect(res.body.sms_fallback_url).toBe(smsUrl);
      });

    await text('hello');

    expect(app.hits).toHaveLength(1);
    const [hit] = app.hits;
    const token = sandbox.twilio.demoAccount.authToken;
    expect(hit!.signature).toBe(
      twilio.getExpectedTwilioSignature(token, `${app.url}/sms?tool=a`, hit!.params),
    );
    expect(hit!.signature).not.toBe(twilio.getExpectedTwilioSignature(token, smsUrl, hit!.params));
  });

  it('delivers again after a 5xx, as many times as rc allows, when rp names 5xx', async () => {
    number().smsUrl = `${app.url}/sms#rc=3&rp=5xx`;
    app.statuses.push(500, 503, 500, 500, 500);

    const { deliveries } = await text('one');

    expect(app.hits.map((h) => h.params.Body)).toEqual(['one', 'one', 'one', 'one']);
    expect(new Set(app.hits.map((h) => h.params.MessageSid)).size).toBe(1);
    expect(deliveries[0]).toEqual(expect.objectContaining({ attempts: 4, responseStatus: 500 }));
  });

  it('stops retrying once the app answers', async () => {
    number().smsUrl = `${app.url}/sms#rc=5&rp=5xx`;
    app.statuses.push(500);

    const { deliveries } = await text('two');

    expect(app.hits).toHaveLength(2);
    expect(deliveries[0]).toEqual(expect.objectContaining({ attempts: 2, responseStatus: 200 }));
  });

  it('never retries a 5xx by default (rp is ct,rt), nor a 4xx unless rp says so', async () => {
    number().smsUrl = `${app.url}/sms`;
    app.statuses.push(500);
    await text('three');
    expect(app.hits).toHaveLength(1);

    number().smsUrl = `${app.url}/sms#rc=5&rp=5xx,ct,rt`;
    app.statuses.push(403);
    await text('four');
    expect(app.hits).toHaveLength(2);
  });

  it('retries a refused connection, then posts to the fallback URL', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/sms`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    number().smsUrl = `${deadUrl}#rc=2&rp=ct`;
    number().smsFallbackUrl = `${app.url}/fallback`;

    const { deliveries } = await text('five');

    expect(app.hits.map((h) => h.path)).toEqual(['/fallback']);
    expect(app.hits[0]!.signature).toBe(
      twilio.getExpectedTwilioSignature(
        sandbox.twilio.demoAccount.authToken,
        `${app.url}/fallback`,
        app.hits[0]!.params,
      ),
    );
    expect(deliveries[0]).toEqual(
      expect.objectContaining({ attempts: 4, fellBack: true, responseStatus: 200 }),
    );
  });

  it("uses a messaging service's fallback URL for its inbound request URL", async () => {
    const service = [...sandbox.twilio.services.values()][0]!;
    const pooled = [...sandbox.twilio.numbers.values()].find(
      (n) => n.messagingServiceSid === service.sid,
    )!;
    await request(sandbox.app)
      .post(`/v1/Services/${service.sid}`)
      .set('Authorization', auth())
      .type('form')
      .send({
        InboundRequestUrl: `${app.url}/service#rc=0`,
        FallbackUrl: `${app.url}/service-fallback`,
        UseInboundWebhookOnNumber: 'false',
      })
      .expect(200)
      .expect((res) => expect(res.body.fallback_url).toBe(`${app.url}/service-fallback`));
    app.statuses.push(500);

    await sandbox.twilio.receiveInbound({ from: PHONE, to: pooled.phoneNumber, body: 'six' });

    expect(app.hits.map((h) => h.path)).toEqual(['/service', '/service-fallback']);
  });
});
