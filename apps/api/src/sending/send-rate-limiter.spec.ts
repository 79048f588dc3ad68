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
    const rates = { SEND_RATE_LONG_CODE: '4' }; // 250 ms apart
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
      expect(wait).toBeGreaterThan((i + 1) * 250 - 50);
      expect(wait).toBeLessThanOrEqual((i + 1) * 250);
    });
    expect(other).toBe(0);
  });
});
