import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';

export interface Session {
  accountId: string;
  /** The double-submit CSRF token; the `sms_csrf` cookie carries the same value. */
  csrfToken: string;
  /**
   * Who signed in (their Keap name, else email), recorded on what they publish; absent when Keap
   * did not say, and on sessions made before it was kept.
   */
  userName?: string;
}

const SESSION_TTL_SECONDS = 60 * 60 * 24 * 7;

/**
 * Console sessions, in Redis with a lifetime (OAuth states are stored nowhere: oauth-state.ts).
 * Ids are 256 random bits, kept only as their SHA-256 (a read of Redis does not yield a cookie
 * that signs in); each account's set of them lets all its sessions be ended at once.
 */
@Injectable()
export class SessionStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async create(
    accountId: string,
    userName?: string | null,
  ): Promise<{ id: string; session: Session }> {
    const id = randomToken();
    const hashed = sessionHash(id);
    const session: Session = {
      accountId,
      csrfToken: randomToken(),
      ...(userName ? { userName } : {}),
    };
    await this.redis
      .multi()
      .set(`session:${hashed}`, JSON.stringify(session), 'EX', SESSION_TTL_SECONDS)
      .sadd(accountSessionsKey(accountId), hashed)
      // The index lives as long as its newest session; older members may name expired ones.
      .expire(accountSessionsKey(accountId), SESSION_TTL_SECONDS)
      .exec();
    return { id, session };
  }

  async find(id: string | undefined): Promise<Session | null> {
    if (!id || !/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null;
    const raw = await this.redis.get(`session:${sessionHash(id)}`);
    return raw ? (JSON.parse(raw) as Session) : null;
  }

  async destroy(id: string | undefined): Promise<void> {
    if (!id) return;
    const session = await this.find(id);
    const hashed = sessionHash(id);
    const tx = this.redis.multi().del(`session:${hashed}`);
    if (session) tx.srem(accountSessionsKey(session.accountId), hashed);
    await tx.exec();
  }

  /** Signs every browser of the account out (its Keap grant, which signed them in, is gone). */
  async endAllOf(accountId: string): Promise<void> {
    const hashes = await this.redis.smembers(accountSessionsKey(accountId));
    const tx = this.redis.multi().del(accountSessionsKey(accountId));
    for (const hashed of hashes) tx.del(`session:${hashed}`);
    await tx.exec();
  }
}

function sessionHash(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

function accountSessionsKey(accountId: string): string {
  return `account-sessions:${accountId}`;
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time equality of two strings; false for anything else (cookie-parser makes `j:…` cookies objects). */
export function sameSecret(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
