import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';

export class LockTimeoutError extends Error {
  constructor(key: string) {
    super(`Timed out waiting for the lock ${key}`);
    this.name = 'LockTimeoutError';
  }
}

// Deletes the key only if we still hold it, so a lock that expired and was taken by another
// process is never released by us.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A mutual-exclusion lock across processes (SET NX PX). The lease bounds how long a crashed holder
 * blocks the others; waiters poll until a deadline.
 */
export class RedisLock {
  constructor(private readonly redis: Redis) {}

  async withLock<T>(
    key: string,
    fn: () => Promise<T>,
    opts: { leaseMs?: number; waitMs?: number } = {},
  ): Promise<T> {
    const leaseMs = opts.leaseMs ?? 30_000;
    const deadline = Date.now() + (opts.waitMs ?? 30_000);
    const token = randomUUID();
    for (;;) {
      const ok = await this.redis.set(`lock:${key}`, token, 'PX', leaseMs, 'NX');
      if (ok === 'OK') break;
      if (Date.now() > deadline) throw new LockTimeoutError(key);
      await new Promise((r) => setTimeout(r, 50));
    }
    try {
      return await fn();
    } finally {
      await this.redis.eval(RELEASE, 1, `lock:${key}`, token).catch(() => undefined);
    }
  }
}
