/**
 * Which Keap calls read and which write: the targets are stated that way (at most 1 read per
 * conversation start, at most 2 writes per reply). Kinds are `KeapClient`'s call names.
 */
const READ_KINDS = new Set([
  'contacts.get',
  'contacts.list',
  'contacts.model',
  'tags.list',
  'notes.list',
  'notes.get',
  'oauth.userinfo',
]);

/** Every call the runtime makes, by `KeapClient`'s name for it (the metrics' `kind` label). */
export const KEAP_CALL_KINDS = [
  'contacts.get',
  'contacts.list',
  'contacts.model',
  'contacts.create',
  'contacts.update',
  'tags.list',
  'tags.create',
  'tags.apply',
  'goals.achieve',
  'notes.list',
  'notes.get',
  'notes.create',
  'notes.update',
  'oauth.userinfo',
] as const;

export type KeapCallDirection = 'read' | 'write';

export function directionOf(kind: string): KeapCallDirection {
  return READ_KINDS.has(kind) ? 'read' : 'write';
}

/** Splits per-kind call counts into reads and writes. */
export function readsAndWrites(calls: Partial<Record<string, number>>): {
  reads: number;
  writes: number;
} {
  let reads = 0;
  let writes = 0;
  for (const [kind, n] of Object.entries(calls)) {
    if (!n) continue;
    if (directionOf(kind) === 'read') reads += n;
    else writes += n;
  }
  return { reads, writes };
}
