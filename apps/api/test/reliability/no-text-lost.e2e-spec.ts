import request from 'supertest';
import twilio from 'twilio';
import { InboundReconciler } from '../../src/inbound/inbound-reconciler';
import { twilioWebhookUrls } from '../../src/twilio/twilio-webhook-urls';
import { DEMO_AUTH_TOKEN, DEMO_NUMBER } from '../runtime/builders';
import {
  eventually,
  startRuntime,
  whenIdle,
  type RuntimeHarness,
} from '../runtime/runtime-harness';
import { aTcpLine, type TcpLine } from '../support/tcp-line';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ANSWER = 'Thanks for joining!';

/**
 * Texts that arrive while the app cannot store them (it is down, PostgreSQL is unreachable, Redis
 * was wiped) are answered once each after recovery: Twilio retries (the connection overrides of
 * the SMS URL, then its fallback URL), and the reconciler fetches back what never got through.
 * Reduced form of bench/faults (docs/reliability.md).
 */
describe('reliability: no text lost while we are down', () => {
  let db: TestDatabase;
  let postgres: TcpLine;
  /** Where Twilio reaches the app (PUBLIC_URL): cut, the app is down as Twilio sees it. */
  let front: TcpLine;
  let h: RuntimeHarness;
  let accountId: string;
  let urls: ReturnType<typeof twilioWebhookUrls>;
  let nextPhone = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    postgres = await aTcpLine(db.url, 5432);
    front = await aTcpLine('http://127.0.0.1:9', 80);
    h = await startRuntime({
      DATABASE_URL: postgres.url,
      PUBLIC_URL: front.url,
      INBOUND_RECONCILE_INTERVAL_MS: '1000',
    });
    front.retarget(h.publicUrl);
    h.sandbox.twilio.webhooks.retryDelayMs = 50;
    ({ accountId } = await h.connectedAccount());
    urls = twilioWebhookUrls(front.url);
    for (const number of h.sandbox.twilio.numbers.values()) {
      number.smsUrl = urls.smsUrl;
      number.smsFallbackUrl = urls.smsFallbackUrl;
    }
    await h.publishedTool(accountId, {
      name: 'Join',
      keyword: 'JOIN',
      collectEmailFirst: false,
      steps: [{ id: 'hello', name: 'Hello', message: ANSWER, next: { kind: 'finish' } }],
    });
  });

  afterAll(async () => {
    await postgres?.restore().catch(() => undefined);
    await front?.restore().catch(() => undefined);
    await h?.close();
    await postgres?.close();
    await front?.close();
    await db?.drop();
  });

  const phones = (n: number) =>
    Array.from({ length: n }, () => `+1646555${String(1000 + nextPhone++).padStart(4, '0')}`);
  const join = (phone: string) => h.text(phone, 'JOIN');

  /** Every phone answered, the app idle, then: each phone got exactly one answer. */
  async function expectEachAnsweredOnce(group: string[], withinMs = 30_000): Promise<void> {
    await eventually(
      () => group.every((p) => h.textsTo(p).length >= 1),
      'every text answered',
      withinMs,
    );
    await whenIdle(h, 30_000);
    for (const phone of group) expect(h.textsTo(phone)).toEqual([ANSWER]);
    const [{ n }] = await h.ds.query(
      `SELECT count(*)::int AS n FROM messages WHERE direction = 'in' AND phone = ANY($1::text[])`,
      [group],
    );
    expect(n).toBe(group.length);
  }

  it('points senders with connection overrides asking Twilio to retry, and the same handler as fallback', () => {
    expect(urls.smsUrl).toBe(`${front.url}/hooks/twilio/sms#rc=5&rp=5xx,ct,rt`);
    expect(urls.smsFallbackUrl).toBe(urls.smsUrl);
  });

  it('takes a text signed as Twilio signs it, over the URL it requests (no fragment); refuses another', async () => {
    const params = {
      AccountSid: h.sandbox.twilio.demoAccount.sid,
      MessageSid: `SM${'1'.repeat(32)}`,
      From: phones(1)[0]!,
      To: DEMO_NUMBER,
      Body: 'hello',
      NumMedia: '0',
    };
    const post = (signedUrl: string) =>
      request(h.t.app.getHttpServer())
        .post('/hooks/twilio/sms')
        .type('form')
        .set(
          'X-Twilio-Signature',
          twilio.getExpectedTwilioSignature(DEMO_AUTH_TOKEN, signedUrl, params),
        )
        .send(params);
    await post(`${front.url}/hooks/twilio/sms`).expect(200);
    // Were Twilio to sign the URL as configured, fragment included, that is taken too.
    await post(urls.smsUrl).expect(200);
    await post(`${front.url}/hooks/twilio/sms#rc=1`).expect(403);
  });

  it('the app down while texts arrive: Twilio retries, then the fallback, fail; the reconciler answers each once when it is back', async () => {
    const group = phones(5);
    await front.cut();
    const sent = await Promise.all(group.map(join));
    for (const { deliveries } of sent) {
      expect(deliveries[0]).toEqual(
        expect.objectContaining({ responseStatus: null, attempts: 12, fellBack: true }),
      );
    }
    await front.restore();
    await expectEachAnsweredOnce(group);
  });

  it('the app back within the retries: Twilio delivers the text again and it is answered once', async () => {
    const [phone] = phones(1);
    await front.cut();
    setTimeout(() => void front.restore(), 120);
    const { deliveries } = await join(phone!);
    expect(deliveries[0]?.responseStatus).toBe(200);
    expect(deliveries[0]?.attempts).toBeGreaterThan(1);
    await expectEachAnsweredOnce([phone!]);
  });

  it('PostgreSQL unreachable: texts are answered 5xx and /health/ready says 503; each is answered once after it is back', async () => {
    const group = phones(5);
    await postgres.cut();
    try {
      const sent = await Promise.all(group.map(join));
      for (const { deliveries } of sent) expect(deliveries[0]?.responseStatus).toBe(500);
      const ready = await request(h.t.app.getHttpServer()).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error.details.checks).toEqual({ database: 'down', redis: 'up' });
    } finally {
      await postgres.restore();
    }
    await expectEachAnsweredOnce(group);
  });

  it("Redis wiped (the app's queues, locks and caches gone): each text is answered once", async () => {
    const group = phones(6);
    const first = Promise.all(group.slice(0, 3).map(join));
    await wipeRedisKeys(h.t.config.REDIS_URL, h.t.config.REDIS_KEY_PREFIX);
    await first;
    await Promise.all(group.slice(3).map(join));
    await wipeRedisKeys(h.t.config.REDIS_URL, h.t.config.REDIS_KEY_PREFIX);
    // A send whose job vanished after it claimed its text is taken over only once the claim is
    // stale (STALE_SENDING_MS, 2 minutes): late, never lost nor doubled.
    await expectEachAnsweredOnce(group, 150_000);
  }, 200_000);

  it('a sender pointed here before the overrides existed is pointed here again with them', async () => {
    const number = h.sandbox.twilio.numberByPhone(DEMO_NUMBER)!;
    number.smsUrl = `${front.url}/hooks/twilio/sms`;
    number.smsFallbackUrl = null;
    try {
      await h.t.app.get(InboundReconciler).reconcile(accountId);
      expect(number.smsUrl).toBe(urls.smsUrl);
      expect(number.smsFallbackUrl).toBe(urls.smsFallbackUrl);
    } finally {
      number.smsUrl = urls.smsUrl;
      number.smsFallbackUrl = urls.smsFallbackUrl;
    }
  });
});

/** Deletes every key of this app's prefix on the shared Redis (what FLUSHALL would do to it). */
async function wipeRedisKeys(url: string, prefix: string): Promise<void> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
