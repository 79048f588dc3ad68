import { suggestContactField } from './contact-fields';
import type { ContactSnapshot } from './conversation.types';

/**
 * Keap merge fields in messages: `~Contact.FirstName~`, `~Contact._FavoriteColor~`. A contact
 * must never read "Hi ~Contact.FirstName~", so everything that looks like a merge field renders to
 * the contact's value or to empty text, never to the raw token:
 *
 * - `~Contact.Field~` (exactly this casing, as Keap's merge field picker writes it; a custom field
 *   is `_` + its name) renders the field's value, empty when the contact has none.
 * - `~Owner.Field~` and other Keap objects are not filled in: empty.
 * - Misspelt tokens render empty too (validation warns about each, with the token to write):
 *   another casing (`~contact.firstname~`), spaces (`~Contact.First Name~`, `~ Contact.City ~`), a
 *   name that is not a field name (`~Contact._1st~`, `~Contact.~`), a missing closing or opening
 *   tilde (`~Contact.FirstName,` / `Contact.FirstName~`).
 *
 * A tilde that does not start `Object.` is ordinary text ("back in ~5 minutes~").
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

export type MalformedReason =
  /** `~contact.firstname~`: Keap writes the object `Contact`. */
  | 'case'
  /** `~Contact.First Name~`, `~ Contact.City ~`. */
  | 'spaces'
  /** `~Contact._1st~`: field names start with a letter (after `_` for custom fields). */
  | 'field_name'
  /** `~Contact.~`. */
  | 'no_field'
  /** `~Contact.FirstName` without the closing `~`. */
  | 'unclosed'
  /** `Contact.FirstName~` without the opening `~`. */
  | 'unopened';

export interface MalformedMergeToken {
  /** The text taken for a merge field (rendered as empty text). */
  token: string;
  index: number;
  reason: MalformedReason;
  /** The token probably meant, e.g. `~Contact.FirstName~`; null when it cannot be told. */
  suggestion: string | null;
}

const OBJECT = '[A-Za-z][A-Za-z0-9]*';
const FIELD = '_?[A-Za-z][A-Za-z0-9_]*';
const CONTACT_ANY_CASE = '[Cc][Oo][Nn][Tt][Aa][Cc][Tt]';
const FIELD_PATTERN = new RegExp(`^${FIELD}$`);

/** Alternatives in order of preference; each capture group says which one matched. */
const SCAN_PATTERN = new RegExp(
  [
    // 1, 2: a well-formed token.
    `~(${OBJECT})\\.(${FIELD})~`,
    // 3: a contact token with spaces or an odd name, closed.
    // (Not when another contact token follows: "~Contact.A ~Contact.B~" is one unclosed, one fine.)
    `~([ \\t]*${CONTACT_ANY_CASE}[ \\t]*\\.[A-Za-z0-9_ \\t-]{0,40})~(?![ \\t]*${CONTACT_ANY_CASE}[ \\t]*\\.)`,
    // 4: a contact token opened and never closed.
    `(~[ \\t]*${CONTACT_ANY_CASE}[ \\t]*\\.[A-Za-z0-9_]*)`,
    // 5: a contact token closed and never opened.
    `(?<![A-Za-z0-9_])(${CONTACT_ANY_CASE}\\.[A-Za-z0-9_]*)~`,
  ].join('|'),
  'g',
);

export interface MergeTokenScan {
  /** Well-formed `~Object.Field~` tokens. */
  tokens: MergeToken[];
  malformed: MalformedMergeToken[];
}

export function scanMergeTokens(message: string): MergeTokenScan {
  const scan: MergeTokenScan = { tokens: [], malformed: [] };
  if (typeof message !== 'string' || !message.includes('~')) return scan;
  for (const match of message.matchAll(SCAN_PATTERN)) {
    const [token, object, field, closedContact, unclosed, unopened] = match;
    const index = match.index;
    if (object !== undefined && field !== undefined) {
      if (object !== 'Contact' && object.toLowerCase() === 'contact') {
        scan.malformed.push({ token, index, reason: 'case', suggestion: suggestion(field) });
      } else {
        scan.tokens.push({ token, object, field, index });
      }
    } else if (closedContact !== undefined) {
      const name = splitAtDot(closedContact)[1].replace(/\s+/g, '');
      const reason: MalformedReason = /\s/.test(closedContact)
        ? 'spaces'
        : name === ''
          ? 'no_field'
          : 'field_name';
      scan.malformed.push({ token, index, reason, suggestion: suggestion(name) });
    } else if (unclosed !== undefined) {
      const name = splitAtDot(unclosed)[1].trim();
      scan.malformed.push({ token, index, reason: 'unclosed', suggestion: suggestion(name) });
    } else if (unopened !== undefined) {
      const name = splitAtDot(unopened)[1];
      scan.malformed.push({ token, index, reason: 'unopened', suggestion: suggestion(name) });
    }
  }
  return scan;
}

function splitAtDot(text: string): [string, string] {
  const dot = text.indexOf('.');
  return [text.slice(0, dot), text.slice(dot + 1)];
}

/** The contact token a misspelt name probably meant: a standard field in any casing, or as is. */
function suggestion(name: string): string | null {
  const standard = suggestContactField(name);
  if (standard !== undefined) return `~Contact.${standard.key}~`;
  return FIELD_PATTERN.test(name) ? `~Contact.${name}~` : null;
}

/** The well-formed merge tokens of a message (see `scanMergeTokens` for misspelt ones too). */
export function listMergeTokens(message: string): MergeToken[] {
  return scanMergeTokens(message).tokens;
}

export function fieldValueAsText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return typeof value === 'string' ? value : '';
}

/** The message with every merge field filled in; total: any text and any contact give a text. */
export function renderMergeFields(message: string, contact: ContactSnapshot | null): string {
  if (typeof message !== 'string') return '';
  // Most messages have no token at all: skip the regex (the state machine renders every send).
  if (!message.includes('~')) return message;
  return message.replace(SCAN_PATTERN, (_token, object?: string, field?: string) => {
    if (object !== 'Contact' || field === undefined || contact === null) return '';
    if (field === 'Id') return contact.id === null ? '' : String(contact.id);
    return fieldValueAsText(contact.fields[field]);
  });
}
