import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

const TTL_SECONDS = 10 * 60;
const NONCE = /^[A-Za-z0-9_-]{43}$/;
const STATE = /^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{43})$/;

/** What /keap/connect hands out: the state for Keap's redirect and the cookie it is bound to. */
export interface IssuedOAuthState {
  state: string;
  cookie: string;
}

/**
 * valid: this app issued the state to this browser less than ten minutes ago. mismatch: anything
 * a browser may honestly bring (no cookie, another browser's or an expired state, a forged one).
 * malformed_cookie: a cookie this app never sets (JSON, NULs, wrong length): not a browser's doing.
 */
export type OAuthStateCheck = 'valid' | 'mismatch' | 'malformed_cookie';

/**
 * The OAuth state of "Connect Keap", stored nowhere: the browser keeps a random nonce in a cookie,
 * and the state is its expiry and an HMAC over the expiry and the nonce, keyed from SECRETS_KEY.
 * So an anonymous request costs no storage (it used to cost a Redis key), and only the browser
 * holding the cookie can bring the state back; the callback clears the cookie, so it is not
 * replayed (and Keap accepts its code once).
 */
@Injectable()
export class OAuthStates {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(
      hkdfSync('sha256', Buffer.from(config.SECRETS_KEY, 'base64'), '', 'sms-oauth-state', 32),
    );
  }

  issue(now = Date.now()): IssuedOAuthState {
    const cookie = randomBytes(32).toString('base64url');
    const expires = (Math.floor(now / 1000) + TTL_SECONDS).toString(36);
    return { cookie, state: `${expires}.${this.mac(expires, cookie)}` };
  }

  check(state: string | undefined, cookie: unknown, now = Date.now()): OAuthStateCheck {
    if (cookie === undefined) return 'mismatch';
    if (typeof cookie !== 'string' || !NONCE.test(cookie)) return 'malformed_cookie';
    const parts = state ? STATE.exec(state) : null;
    if (!parts?.[1] || !parts[2]) return 'mismatch';
    const [, expires, mac] = parts;
    if (parseInt(expires, 36) * 1000 <= now) return 'mismatch';
    const expected = Buffer.from(this.mac(expires, cookie));
    return timingSafeEqual(expected, Buffer.from(mac)) ? 'valid' : 'mismatch';
  }

  private mac(expires: string, nonce: string): string {
    return createHmac('sha256', this.key).update(`${expires}.${nonce}`).digest('base64url');
  }
}
