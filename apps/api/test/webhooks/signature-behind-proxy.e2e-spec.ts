import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import twilio from 'twilio';
import { aConnectedAccount, anInboundText, DEMO_AUTH_TOKEN } from '../runtime/builders';
import { startRuntime, type RuntimeHarness } from '../runtime/runtime-harness';

const PUBLIC_URL = 'https://sms.example.test';

/**
 * A reverse proxy as it stands in front of the app in production: TLS ends here, the request goes
 * on to the app's inner address with Host rewritten to it and the outside host and scheme in
 * X-Forwarded-Host / X-Forwarded-Proto.
 */
async function aReverseProxy(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const forwarded = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          host: target.host,
          'x-forwarded-host': req.headers.host ?? '',
          'x-forwarded-proto': 'https',
          'x-forwarded-for': req.socket.remoteAddress ?? '',
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.writeHead(502).end());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('Twilio signatures behind a reverse proxy (PUBLIC_URL is the outside URL)', () => {
  let h: RuntimeHarness;
  let proxy: Awaited<ReturnType<typeof aReverseProxy>>;

  beforeAll(async () => {
    h = await startRuntime({ PUBLIC_URL });
    await aConnectedAccount(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${PUBLIC_URL}/hooks/twilio/sms`,
    });
    // h.publicUrl is the app's own (inner) address here: the proxy forwards to it.
    proxy = await aReverseProxy(h.publicUrl);
  });
  afterAll(async () => {
    await proxy?.close();
    await h?.close();
  });

  /** An inbound text as Twilio posts it to the outside URL, signed over `signedUrl`. */
  async function inboundThroughProxy(signedUrl: string) {
    const params = anInboundText('+12125550177');
    const res = await request(proxy.url)
      .post('/hooks/twilio/sms')
      .set('Host', new URL(PUBLIC_URL).host)
      .type('form')
      .set(
        'X-Twilio-Signature',
        twilio.getExpectedTwilioSignature(DEMO_AUTH_TOKEN, signedUrl, params),
      )
      .send(params);
    const stored = await h.ds.query(`SELECT 1 FROM messages WHERE provider_sid = $1`, [
      params.MessageSid,
    ]);
    return { status: res.status, stored: stored.length };
  }

  it('accepts a text signed over the public URL Twilio called', async () => {
    expect(await inboundThroughProxy(`${PUBLIC_URL}/hooks/twilio/sms`)).toEqual({
      status: 200,
      stored: 1,
    });
  });

  it('refuses (403) a text signed over the app’s inner URL, and stores nothing', async () => {
    expect(await inboundThroughProxy(`${h.publicUrl}/hooks/twilio/sms`)).toEqual({
      status: 403,
      stored: 0,
    });
    expect(await inboundThroughProxy(`${proxy.url}/hooks/twilio/sms`)).toEqual({
      status: 403,
      stored: 0,
    });
  });
});
