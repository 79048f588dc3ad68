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

  it('lets at most `rate` texts of a sender through in any second, across processes; a refused one is told when the window has room', async () => {
    const rates = { SEND_RATE_LONG_CODE: '3' };
    const one = aProcess(rates);
    const two = aProcess(rates);
    const sender = 'phone:+14155550101';

    const startedAt = Date.now();
    const first = [await one.takeSend(sender, 'a')];
    await new Promise((resolve) => setTimeout(resolve, 200));
    first.push(await two.takeSend(sender, 'b'), await one.takeSend(sender, 'c'));
    const refused = await two.takeSend(sender, 'd');
    const tookMs = Date.now() - startedAt;
    const other = await one.takeSend('phone:+12125550143', 'e');

    expect(first).toEqual([0, 0, 0]);
    // Room again when the first of the three leaves the window, a second (and the 25 ms margin)
    // after it was let through.
    expect(refused).toBeGreaterThan(1025 - tookMs - 5);
    expect(refused).toBeLessThanOrEqual(1025);
    expect(other).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, refused));
    expect(await one.takeSend(sender, 'd')).toBe(0);
    // Only a's place freed: b and c are still within their second.
    expect(await two.takeSend(sender, 'f')).toBeGreaterThan(0);
  });

  it('gives texts refused one after another later places, one per place, so a late pile does not retry all at once', async () => {
    const limiter = aProcess({ SEND_RATE_LONG_CODE: '2' });
    const sender = 'phone:+14155550102';
    expect(await limiter.takeSend(sender, 'a')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await limiter.takeSend(sender, 'b')).toBe(0);

    const c = await limiter.takeSend(sender, 'c');
    const d = await limiter.takeSend(sender, 'd');
    const e = await limiter.takeSend(sender, 'e');
    // c: when a leaves (~825 ms), d: when b leaves (~200 ms after), e: when c, let in at a's
    // place, leaves in turn (a second after c).
    expect(c).toBeGreaterThan(725);
    expect(c).toBeLessThanOrEqual(825);
    expect(d - c).toBeGreaterThanOrEqual(195);
    expect(d - c).toBeLessThanOrEqual(205);
    expect(e - c).toBeGreaterThanOrEqual(1024);
    expect(e - c).toBeLessThanOrEqual(1026);
  });

  it('holds a rate under one text a second over the longer window it means', async () => {
    const limiter = aProcess({ SEND_RATE_LONG_CODE: '0.5' });
    const sender = 'phone:+14155550103';
    expect(await limiter.takeSend(sender, 'a')).toBe(0);
    const wait = await limiter.takeSend(sender, 'b');
    expect(wait).toBeGreaterThan(1925);
    expect(wait).toBeLessThanOrEqual(2025);
  });
});
