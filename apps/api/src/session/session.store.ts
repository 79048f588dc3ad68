import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';

export interface Session {
  accountId: string;
  /** The double-submit CSRF token; the `sms_csrf` cookie carries the same value. */
  csrfToken: string;
}

const SESSION_TTL_SECONDS = 60 * 60 * 24 * 7;
const OAUTH_STATE_TTL_SECONDS = 10 * 60;

/** Console sessions and pending OAuth states, in Redis with a lifetime. Ids are 256 random bits. */
@Injectable()
export class SessionStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async create(accountId: string): Promise<{ id: string; session: Session }> {
    const id = randomToken();
    const session: Session = { accountId, csrfToken: randomToken() };
    await this.redis.set(`session:${id}`, JSON.stringify(session), 'EX', SESSION_TTL_SECONDS);
    return { id, session };
  }

  async find(id: string | undefined): Promise<Session | null> {
    if (!id || !/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null;
    const raw = await this.redis.get(`session:${id}`);
    return raw ? (JSON.parse(raw) as Session) : null;
  }

  async destroy(id: string | undefined): Promise<void> {
    if (id) await this.redis.del(`session:${id}`);
  }

  async createOAuthState(): Promise<string> {
    const state = randomToken();
    await this.redis.set(`oauth-state:${state}`, '1', 'EX', OAUTH_STATE_TTL_SECONDS);
    return state;
  }

  /** True once for a state this app issued and that has not expired. */
  async consumeOAuthState(state: string): Promise<boolean> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(state)) return false;
    return (await this.redis.del(`oauth-state:${state}`)) === 1;
  }
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
