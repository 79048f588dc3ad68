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

export function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    return typeof c.startedAt === 'string' && isUuid(c.id) && !Number.isNaN(Date.parse(c.startedAt))
      ? c
      : null;
  } catch {
    return null;
  }
}
