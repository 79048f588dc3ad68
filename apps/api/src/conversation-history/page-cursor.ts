import { isUuid } from '../database/is-uuid';

/** Where the next page of the conversation list starts: after this conversation. */
export interface Cursor {
  startedAt: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** True for a cursor this API handed out (`nextCursor`). */
export function isCursor(s: string): boolean {
  return decodeCursor(s) !== null;
}

/** As encodeCursor writes it (toISOString): Date.parse takes far more than PostgreSQL does. */
const STARTED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function decodeCursor(s: string | undefined): Cursor | null {
  if (!s || s.length > 200) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<Cursor> | null;
    if (!c || typeof c.startedAt !== 'string' || typeof c.id !== 'string') return null;
    const at = new Date(c.startedAt);
    return STARTED_AT.test(c.startedAt) &&
      at.getTime() >= 0 &&
      at.toISOString() === c.startedAt &&
      isUuid(c.id)
      ? { startedAt: c.startedAt, id: c.id }
      : null;
  } catch {
    return null;
  }
}
