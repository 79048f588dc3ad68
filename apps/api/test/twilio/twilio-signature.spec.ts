import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { isValidTwilioSignature, publicRequestUrl } from '../../src/twilio/twilio-signature';
import {
  eventually,
  startSandbox,
  startWebhookReceiver,
  type RunningSandbox,
} from '../support/twilio-test-harness';

const CONTACT = '+14155550123';
const SENDER = '+14155550100';

/** A reverse proxy like the one in front of production: public host in, internal host out. */
async function startProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const targetUrl = new URL(target);
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      {
        hostname: targetUrl.hostname,
        port: targetUrl.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: targetUrl.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Twilio calls the public name; only the proxy knows the app's internal address.
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('inbound webhook signatures', () => {
  let running: RunningSandbox;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let authToken: string;

  const textFromPhone = (body: string, extra: Record<string, unknown> = {}) =>
    request(running.sandbox.app)
      .post('/sandbox/twilio/inbound')
      .send({ from: CONTACT, to: SENDER, body, ...extra })
      .expect(201);

  beforeAll(async () => {
    running = await startSandbox();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await running.close();
    await receiver.close();
  });
  beforeEach(() => {
    running.sandbox.twilio.reset();
    receiver.received.length = 0;
    authToken = running.sandbox.twilio.demoAccount.authToken;
  });

  it('accepts the sandbox’s signature over the configured URL and refuses a tampered body or wrong token', async () => {
    const smsUrl = `${receiver.url}/webhooks/twilio/sms?tool=abc`;
    running.sandbox.twilio.numberByPhone(SENDER)!.smsUrl = smsUrl;

    await textFromPhone('blue');
    const hook = await eventually(() => receiver.received[0]);

    const configured = publicRequestUrl(receiver.url, hook.originalUrl);
    expect(configured).toBe(smsUrl);
    expect(isValidTwilioSignature(authToken, configured, hook.params, hook.signature)).toBe(true);
    expect(
      isValidTwilioSignature(
        authToken,
        configured,
        { ...hook.params, Body: 'red' },
        hook.signature,
      ),
    ).toBe(false);
    expect(isValidTwilioSignature('another-token', configured, hook.params, hook.signature)).toBe(
      false,
    );
    expect(isValidTwilioSignature(authToken, configured, hook.params, undefined)).toBe(false);
  });

  it('validates behind a proxy only against the configured public URL, not the Host the app sees', async () => {
    const proxy = await startProxy(receiver.url);
    try {
      const publicBaseUrl = proxy.url;
      running.sandbox.twilio.numberByPhone(SENDER)!.smsUrl = `${publicBaseUrl}/webhooks/twilio/sms`;

      await textFromPhone('blue');
      const hook = await eventually(() => receiver.received[0]);

      expect(hook.host).not.toBe(new URL(publicBaseUrl).host);
      const fromHost = `http://${hook.host}${hook.originalUrl}`;
      expect(isValidTwilioSignature(authToken, fromHost, hook.params, hook.signature)).toBe(false);
      const fromConfig = publicRequestUrl(publicBaseUrl, hook.originalUrl);
      expect(isValidTwilioSignature(authToken, fromConfig, hook.params, hook.signature)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('can deliver the same MessageSid twice, both signed', async () => {
    const smsUrl = `${receiver.url}/webhooks/twilio/sms`;
    running.sandbox.twilio.numberByPhone(SENDER)!.smsUrl = smsUrl;

    await textFromPhone('blue', { deliverTwice: true });
    const [first, second] = await eventually(
      () => receiver.received.length === 2 && receiver.received,
    );

    expect(second!.params.MessageSid).toBe(first!.params.MessageSid);
    expect(isValidTwilioSignature(authToken, smsUrl, second!.params, second!.signature)).toBe(true);
  });
});
