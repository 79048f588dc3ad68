import { parseSenderKey } from '@sms-seq/engine';
import type { OptOutKey } from '../conversations/opt-out.repository';

/** Where the next page of opt-outs starts: after this opt-out. */
export function encodeOptOutCursor(key: OptOutKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** True for a cursor this API handed out (`nextCursor`). */
export function isOptOutCursor(s: string): boolean {
  return decodeOptOutCursor(s) !== null;
}

/** PostgreSQL's text of a timestamptz, as the repository reads it: `2026-12-03 17:06:20.123456+00`. */
const AT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

export function decodeOptOutCursor(s: string | undefined): OptOutKey | null {
  if (!s || s.length > 400) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<OptOutKey> | null;
    if (!c || typeof c.at !== 'string' || typeof c.senderKey !== 'string') return null;
    if (typeof c.phone !== 'string' || !/^\+\d{1,20}$/.test(c.phone)) return null;
    return AT.test(c.at) && parseSenderKey(c.senderKey) !== null && c.senderKey.length <= 100
      ? { at: c.at, senderKey: c.senderKey, phone: c.phone }
      : null;
  } catch {
    return null;
  }
}
