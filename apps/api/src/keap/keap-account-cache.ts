import { randomUUID } from 'node:crypto';
import type { KeapAccountCache, KeapContactModel } from '@sms-seq/crm-keap';
import type Redis from 'ioredis';

/** The process's RedisKeapAccountCache (bound by KeapBudgetModule), shared by every Keap client. */
export const KEAP_ACCOUNT_CACHE = Symbol('KEAP_ACCOUNT_CACHE');

/** How long an account's field model is trusted; a custom field added in Keap shows within this. */
export const FIELD_MODEL_TTL_SECONDS = 600;
/** The user notes are written as changes rarely (the user who connected Keap). */
export const NOTE_USER_TTL_SECONDS = 3600;

export interface RedisKeapAccountCacheOptions {
  /** How long one reader may hold an account's read before others read themselves. */
  lockMs?: number;
  /** How often a process waiting for another's read looks for its result. */
  pollMs?: number;
}

/**
 * What is read from Keap once per account (the contact field model, the note user), kept in
 * Redis for every process. Nothing is fetched twice: in a process, concurrent callers share one
 * promise per account; across processes, the first to take a Redis lock (SET NX) reads Keap while
 * the others wait for its result in the cache. Redis trouble never stops Keap work: the value is
 * then read from Keap directly.
 */
export class RedisKeapAccountCache implements KeapAccountCache {
  private readonly loading = new Map<string, Promise<unknown>>();
  private readonly lockMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: RedisKeapAccountCacheOptions = {},
  ) {
    this.lockMs = options.lockMs ?? 20_000;
    this.pollMs = options.pollMs ?? 25;
  }

  contactModel(
    accountId: string,
    read: () => Promise<KeapContactModel>,
    options: { refresh?: boolean } = {},
  ): Promise<KeapContactModel> {
    return this.once(
      `keap-contact-model:${accountId}`,
      read,
      FIELD_MODEL_TTL_SECONDS,
      options.refresh === true,
    );
  }

  /** The account's field model if cached now; never reads Keap. */
  cachedContactModel(accountId: string): Promise<KeapContactModel | null> {
    return this.get(`${this.prefix}keap-contact-model:${accountId}`);
  }

  noteUser(accountId: string, read: () => Promise<string>): Promise<string> {
    return this.once(`keap-note-user:${accountId}`, read, NOTE_USER_TTL_SECONDS, false);
  }

  private once<T>(name: string, read: () => Promise<T>, ttl: number, refresh: boolean): Promise<T> {
    const running = this.loading.get(name) as Promise<T> | undefined;
    if (running) return running;
    const work = this.load(`${this.prefix}${name}`, read, ttl, refresh).finally(() =>
      this.loading.delete(name),
    );
    this.loading.set(name, work);
    return work;
  }

  private async load<T>(
    key: string,
    read: () => Promise<T>,
    ttl: number,
    refresh: boolean,
  ): Promise<T> {
    const cached = refresh ? null : await this.get<T>(key);
    if (cached !== null) return cached;
    const lockKey = `${key}:reading`;
    const token = randomUUID();
    const deadline = Date.now() + this.lockMs;
    let waited = false;
    while (Date.now() < deadline) {
      const locked = await this.redis
        .set(lockKey, token, 'PX', this.lockMs, 'NX')
        .catch(() => 'OK' as const); // Redis down: read it ourselves
      if (locked === 'OK') {
        try {
          // Another process may have finished its read between our look and our lock.
          const fresh = waited || !refresh ? await this.get<T>(key) : null;
          if (fresh !== null) return fresh;
          const value = await read();
          await this.redis.set(key, JSON.stringify(value), 'EX', ttl).catch(() => undefined);
          return value;
        } finally {
          await this.redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
        }
      }
      // Another process is reading it: wait for its result instead of reading Keap too.
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      // A refresh takes the other's result only once it is written (the old value is still there).
      const done = !refresh || (await this.redis.exists(lockKey).catch(() => 0)) === 0;
      const value = done ? await this.get<T>(key) : null;
      if (value !== null) return value;
    }
    return read(); // the reader holding the lock stalled: do not wait for ever
  }

  private async get<T>(key: string): Promise<T | null> {
    const raw = await this.redis.get(key).catch(() => null);
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return null;
    }
  }
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
