import type { ContactSnapshot } from './conversation.types';

/**
 * Keap merge fields in messages: `~Contact.FirstName~`, `~Contact._FavoriteColor~`. Any
 * `~Object.Field~` token renders to the contact's value or to empty text, never to the raw token,
 * because a contact must never read "Hi ~Contact.FirstName~".
 */

export interface MergeToken {
  /** The token as written, e.g. `~Contact.FirstName~`. */
  token: string;
  /** `Contact` for contact fields; other objects (`Owner`, `Company`) are not filled in. */
  object: string;
  field: string;
  /** Offset of the token in the message. */
  index: number;
}

const TOKEN_PATTERN = /~([A-Za-z][A-Za-z0-9]*)\.(_?[A-Za-z][A-Za-z0-9_]*)~/g;

export function listMergeTokens(message: string): MergeToken[] {
  if (!message.includes('~')) return [];
  const tokens: MergeToken[] = [];
  for (const match of message.matchAll(TOKEN_PATTERN)) {
    tokens.push({
      token: match[0],
      object: match[1] ?? '',
      field: match[2] ?? '',
      index: match.index,
    });
  }
  return tokens;
}

export function fieldValueAsText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return value;
}

export function renderMergeFields(message: string, contact: ContactSnapshot | null): string {
  // Most messages have no token at all: skip the regex (the state machine renders every send).
  if (!message.includes('~')) return message;
  return message.replace(TOKEN_PATTERN, (_token, object: string, field: string) => {
    if (object !== 'Contact' || contact === null) return '';
    if (field === 'Id') return contact.id === null ? '' : String(contact.id);
    return fieldValueAsText(contact.fields[field]);
  });
}
