import type { CookieOptions, Response } from 'express';
import type { AppConfig } from '../config/config';
import { CSRF_COOKIE, SESSION_COOKIE } from './session.guard';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** Every cookie the app sets is Secure when it is served over https (PUBLIC_URL) or in production. */
export function secureCookies(config: AppConfig): boolean {
  return config.NODE_ENV === 'production' || new URL(config.PUBLIC_URL).protocol === 'https:';
}

function base(config: AppConfig): CookieOptions {
  return { sameSite: 'lax', secure: secureCookies(config), path: '/', maxAge: WEEK_MS };
}

/** The httpOnly session cookie and the readable CSRF cookie the console echoes in a header. */
export function setSessionCookies(
  res: Response,
  config: AppConfig,
  sessionId: string,
  csrfToken: string,
): void {
  res.cookie(SESSION_COOKIE, sessionId, { ...base(config), httpOnly: true });
  res.cookie(CSRF_COOKIE, csrfToken, { ...base(config), httpOnly: false });
}

export function clearSessionCookies(res: Response, config: AppConfig): void {
  const { maxAge: _maxAge, ...opts } = base(config);
  res.clearCookie(SESSION_COOKIE, { ...opts, httpOnly: true });
  res.clearCookie(CSRF_COOKIE, opts);
}
