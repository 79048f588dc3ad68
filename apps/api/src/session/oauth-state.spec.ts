import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/config';
import { OAuthStates } from './oauth-state';

const states = (key = randomBytes(32)) =>
  new OAuthStates(loadConfig({ SECRETS_KEY: key.toString('base64') }));

describe('the OAuth state of "Connect Keap" (signed, bound to a cookie, stored nowhere)', () => {
  const now = Date.UTC(2026, 0, 31, 9);

  it('is valid for the browser holding its cookie, for ten minutes', () => {
    const s = states();
    const { state, cookie } = s.issue(now);
    expect(s.check(state, cookie, now)).toBe('valid');
    expect(s.check(state, cookie, now + 9 * 60_000)).toBe('valid');
    expect(s.check(state, cookie, now + 10 * 60_000)).toBe('mismatch');
  });

  it('is refused with another browser’s cookie, no cookie, or another key', () => {
    const s = states();
    const a = s.issue(now);
    const b = s.issue(now);
    expect(s.check(a.state, b.cookie, now)).toBe('mismatch');
    expect(s.check(a.state, undefined, now)).toBe('mismatch');
    expect(states().check(a.state, a.cookie, now)).toBe('mismatch');
  });

  it('is refused when its expiry or signature was altered', () => {
    const s = states();
    const { state, cookie } = s.issue(now);
    const [expires, mac] = state.split('.') as [string, string];
    const later = (parseInt(expires, 36) + 3600).toString(36);
    expect(s.check(`${later}.${mac}`, cookie, now)).toBe('mismatch');
    expect(s.check(`${expires}.${mac.slice(1)}A`, cookie, now)).toBe('mismatch');
    for (const bad of [undefined, '', 'x', `${state}.`, `${expires}.${mac}\0`])
      expect(s.check(bad, cookie, now)).toBe('mismatch');
  });

  it('calls a cookie this app never sets malformed (JSON cookies, NULs, wrong length)', () => {
    const s = states();
    const { state, cookie } = s.issue(now);
    for (const bad of [{ a: 1 }, ['x'], 42, null, '', `${cookie}x`, `${cookie.slice(1)}\0`])
      expect(s.check(state, bad, now)).toBe('malformed_cookie');
  });
});
