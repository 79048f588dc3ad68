import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { loadConfig, type AppConfig } from '../config/config';
import { SendRateLimiter, senderType } from './send-rate-limiter';

const config = (env: Record<string, string> = {}): AppConfig =>
  loadConfig({ SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'), ...env });

describe('sender types', () => {
  it.each([
    ['phone:+14155550100', 'long_code'],
    ['phone:+12125550142', 'long_code'],
    ['phone:+447700900123', 'long_code'],
    ['phone:+18885550199', 'toll_free'],
    ['phone:+18005550100', 'toll_free'],
    ['phone:+18335550100', 'toll_free'],
    ['phone:+18775550100', 'toll_free'],
    ['phone:+13125550888', 'long_code'],
    ['phone:12345', 'short_code'],
    ['phone:898211', 'short_code'],
    ['service:MG00000000000000000000000000000001', 'messaging_service'],
  ])('%s is a %s', (senderKey, type) => {
    expect(senderType(senderKey)).toBe(type);
  });

  it('each type has its own configurable rate (messages per second)', () => {
    const limiter = new SendRateLimiter(
      null as unknown as Redis,
      config({
        SEND_RATE_LONG_CODE: '1',
        SEND_RATE_TOLL_FREE: '3',
        SEND_RATE_SHORT_CODE: '30',
        SEND_RATE_MESSAGING_SERVICE: '10',
      }),
    );
    expect(limiter.ratePerSecond('phone:+14155550100')).toBe(1);
    expect(limiter.ratePerSecond('phone:+18885550199')).toBe(3);
    expect(limiter.ratePerSecond('phone:12345')).toBe(30);
    expect(limiter.ratePerSecond('service:MG1')).toBe(10);
  });

  it('defaults to Twilio’s documented rates', () => {
    const limiter = new SendRateLimiter(null as unknown as Redis, config());
    expect(limiter.ratePerSecond('phone:+14155550100')).toBe(1);
    expect(limiter.ratePerSecond('phone:+18885550199')).toBe(3);
    expect(limiter.ratePerSecond('phone:12345')).toBe(30);
  });
});

describe('SendRateLimiter (real Redis, shared by processes)', () => {
  const clients: Redis[] = [];
  const prefix = `test:send-rate:${randomBytes(4).toString('hex')}:`;
  /** One limiter per "process": its own Redis connection, the deployment's key prefix. */
  const aProcess = (rates: Record<string, string>) => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      keyPrefix: prefix,
    });
    clients.push(redis);
    return new SendRateLimiter(redis, config(rates));
  };
  afterAll(async () => {
    for (const c of clients) await c.quit();
  });

  it('gives each send of one sender its own slot, 1/rate apart, across processes; other senders are not held up', async () => {
    const rates = { SEND_RATE_LONG_CODE: '4' }; // 256.25 ms apart (a second and the margin, by 4)
    const one = aProcess(rates);
    const two = aProcess(rates);
    const sender = 'phone:+14155550100';

    const waits = [
      await one.reserve(sender),
      await two.reserve(sender),
      await one.reserve(sender),
      await two.reserve(sender),
    ];
    const other = await two.reserve('phone:+12125550142');

    expect(waits[0]).toBe(0);
    // Each later slot is one interval after the one before (less the time the calls took).
    waits.slice(1).forEach((wait, i) => {
      expect(wait).toBeGreaterThan((i + 1) * 256.25 - 50);
      expect(wait).toBeLessThanOrEqual(Math.ceil((i + 1) * 256.25));
    });
    expect(other).toBe(0);
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** A text let through whose call Twilio answers at once: its wait (0: it went). */
  const sendsAtOnce = async (limiter: SendRateLimiter, sender: string, messageId: string) => {
    const pass = await limiter.takeSend(sender, messageId);
    if (pass.waitMs === 0) await limiter.settleSend(sender, pass.token);
    return pass.waitMs;
  };

  it('lets at most `rate` texts of a sender through in any second, across processes; a refused one is told when the window has room', async () => {
    const rates = { SEND_RATE_LONG_CODE: '3' };
    const one = aProcess(rates);
    const two = aProcess(rates);
    const sender = 'phone:+14155550101';

    const startedAt = Date.now();
    const first = [await sendsAtOnce(one, sender, 'a')];
    await sleep(200);
    first.push(await sendsAtOnce(two, sender, 'b'), await sendsAtOnce(one, sender, 'c'));
    const refused = (await two.takeSend(sender, 'd')).waitMs;
    const tookMs = Date.now() - startedAt;
    const other = await sendsAtOnce(one, 'phone:+12125550143', 'e');

    expect(first).toEqual([0, 0, 0]);
    // Room again when the first of the three leaves the window, a second (and the 25 ms margin)
    // after Twilio answered it.
    expect(refused).toBeGreaterThan(1025 - tookMs - 5);
    expect(refused).toBeLessThanOrEqual(1025);
    expect(other).toBe(0);

    await sleep(refused);
    expect(await sendsAtOnce(one, sender, 'd')).toBe(0);
    // Only a's place freed: b and c are still within their second.
    expect((await two.takeSend(sender, 'f')).waitMs).toBeGreaterThan(0);
  });

  it('gives texts refused one after another later places, one per place, so a late pile does not retry all at once', async () => {
    const limiter = aProcess({ SEND_RATE_LONG_CODE: '2' });
    const sender = 'phone:+14155550102';
    /** The call's result and the clock before and after it: a busy machine stretches both. */
    const timed = async <T>(call: () => Promise<T>) => {
      const from = Date.now();
      const value = await call();
      return { value, from, to: Date.now() };
    };
    const a = await timed(() => sendsAtOnce(limiter, sender, 'a'));
    await sleep(200);
    const b = await timed(() => sendsAtOnce(limiter, sender, 'b'));
    expect([a.value, b.value]).toEqual([0, 0]);

    const c = await timed(async () => (await limiter.takeSend(sender, 'c')).waitMs);
    const d = await timed(async () => (await limiter.takeSend(sender, 'd')).waitMs);
    const e = await timed(async () => (await limiter.takeSend(sender, 'e')).waitMs);
    // c: when a leaves, a second and the 25 ms margin after Twilio answered it.
    expect(c.value).toBeGreaterThanOrEqual(a.from + 1025 - c.to - 1);
    expect(c.value).toBeLessThanOrEqual(a.to + 1025 - c.from + 1);
    // d: when b leaves, as long after a's leaving (c's place) as b was answered after a: 200 ms
    // and whatever the sleep overran, less the time between the two calls.
    const between = { least: d.from - c.to, most: d.to - c.from };
    expect(d.value - c.value + between.least).toBeLessThanOrEqual(b.to - a.from + 1);
    expect(d.value - c.value + between.most).toBeGreaterThanOrEqual(b.from - a.to - 1);
    // e: when c, let in at a's place, leaves in turn: a second and the margin after that place.
    expect(e.value - c.value).toBeGreaterThanOrEqual(1025 - (e.to - c.from) - 1);
    expect(e.value - c.value).toBeLessThanOrEqual(1025 + 1);
  });

  it('holds a rate under one text a second over the longer window it means', async () => {
    const limiter = aProcess({ SEND_RATE_LONG_CODE: '0.5' });
    const sender = 'phone:+14155550103';
    expect(await sendsAtOnce(limiter, sender, 'a')).toBe(0);
    const wait = (await limiter.takeSend(sender, 'b')).waitMs;
    expect(wait).toBeGreaterThan(1925);
    expect(wait).toBeLessThanOrEqual(2025);
  });

  it('counts a text until a window after Twilio answered it, not a window after it was let through', async () => {
    const limiter = aProcess({ SEND_RATE_LONG_CODE: '1' }); // one text per 1025 ms
    const sender = 'phone:+14155550104';
    const checkedAt = Date.now();
    const a = await limiter.takeSend(sender, 'a');
    expect(a.waitMs).toBe(0);

    // Twilio takes half a second to answer a.
    await sleep(500);
    const answeredAt = Date.now();
    expect(await limiter.settleSend(sender, a.token)).toBe(true);
    const settledBy = Date.now();

    // A window after a's check, but not after its answer: b is refused until a window after it.
    await sleep(checkedAt + 1125 - Date.now());
    const before = Date.now();
    const b = await limiter.takeSend(sender, 'b');
    const after = Date.now();
    expect(b.waitMs).toBeGreaterThanOrEqual(answeredAt + 1025 - after - 1);
    expect(b.waitMs).toBeLessThanOrEqual(settledBy + 1025 - before + 1);

    await sleep(b.waitMs);
    expect(await sendsAtOnce(limiter, sender, 'b')).toBe(0);
  });

  it('keeps a text Twilio has not answered yet in the window past a window after it was let through', async () => {
    const limiter = aProcess({ SEND_RATE_LONG_CODE: '1' });
    const sender = 'phone:+14155550105';
    const a = await limiter.takeSend(sender, 'a');
    expect(a.waitMs).toBe(0);

    // a's call is still going a window after its check: b may not go yet.
    await sleep(1125);
    expect((await limiter.takeSend(sender, 'b')).waitMs).toBeGreaterThan(1000);

    // Its answer frees the place a window later.
    await limiter.settleSend(sender, a.token);
    const wait = (await limiter.takeSend(sender, 'b')).waitMs;
    expect(wait).toBeGreaterThan(1000);
    expect(wait).toBeLessThanOrEqual(1025);
  });

  it('does not put back a text that left the window before its answer was settled', async () => {
    const limiter = aProcess({ SEND_RATE_LONG_CODE: '1' });
    const redis = clients[clients.length - 1]!;
    const sender = 'phone:+14155550106';
    const a = await limiter.takeSend(sender, 'a');
    expect(await limiter.settleSend(sender, a.token)).toBe(true);

    // Settled again (a second answer, a late retry of the settle) once it has left the window.
    await sleep(1125);
    expect(await limiter.settleSend(sender, a.token)).toBe(false);
    expect(await redis.zscore(`send-window:${sender}`, a.token)).toBeNull();
    expect(await sendsAtOnce(limiter, sender, 'b')).toBe(0);
  });
});
