import { suggestContactField } from './contact-fields';
import type { ContactSnapshot } from './conversation.types';
import type { ToolDefinition } from './tool.schema';

/**
 * Keap merge fields in messages: `~Contact.FirstName~`, `~Contact._FavoriteColor~`. A contact
 * must never read "Hi ~Contact.FirstName~", so everything that looks like a merge field renders to
 * the contact's value or to empty text, never to the raw token:
 *
 * - `~Contact.Field~` (exactly this casing, as Keap's merge field picker writes it; a custom field
 *   is `_` + its name) renders the field's value, empty when the contact has none.
 * - `~Contact.Field|fallback~` renders the fallback when the field is empty ("Hi
 *   ~Contact.FirstName|there~" reads "Hi there").
 * - `~Owner.Field~` and other Keap objects are not filled in: empty.
 * - Misspelt tokens render empty too (validation warns about each, with the token to write):
 *   another casing (`~contact.firstname~`), spaces (`~Contact.First Name~`, `~ Contact.City ~`), a
 *   name that is not a field name (`~Contact._1st~`, `~Contact.~`), a missing closing or opening
 *   tilde (`~Contact.FirstName,` / `Contact.FirstName~`).
 *
 * A tilde that does not start `Object.` is ordinary text ("back in ~5 minutes~").
 *
 * A merge field that comes out empty takes its spaces with it, so the text still reads right:
 * "Thanks ~Contact.FirstName~! See you" reads "Thanks! See you", never "Thanks ! See you", and
 * "Hi ~Contact.FirstName~ and welcome" reads "Hi and welcome" (see `closeGap`).
 */

export interface MergeToken {
  /** The token as written, e.g. `~Contact.FirstName~`. */
  token: string;
  /** `Contact` for contact fields; other objects (`Owner`, `Company`) are not filled in. */
  object: string;
  field: string;
  /** The text written after `|`, shown when the field is empty; absent when none is written. */
  fallback?: string;
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
  /** The text written after `|` of a closed token, shown in its place; absent when none. */
  fallback?: string;
}

const OBJECT = '[A-Za-z][A-Za-z0-9]*';
const FIELD = '_?[A-Za-z][A-Za-z0-9_]*';
const CONTACT_ANY_CASE = '[Cc][Oo][Nn][Tt][Aa][Cc][Tt]';
const FIELD_PATTERN = new RegExp(`^${FIELD}$`);

/** The longest fallback a merge field may carry (a word or a few, such as "there" or "friend"). */
export const MAX_FALLBACK_LENGTH = 80;
const FALLBACK = `(?:\\|([^~\\r\\n]{0,${MAX_FALLBACK_LENGTH}}))?`;

/** Alternatives in order of preference; each capture group says which one matched. */
const SCAN_PATTERN = new RegExp(
  [
    // 1, 2 (3: its fallback): a well-formed token.
    `~(${OBJECT})\\.(${FIELD})${FALLBACK}~`,
    // 4 (5: its fallback): a contact token with spaces or an odd name, closed.
    // (Not when another contact token follows: "~Contact.A ~Contact.B~" is one unclosed, one fine.)
    `~([ \\t]*${CONTACT_ANY_CASE}[ \\t]*\\.[A-Za-z0-9_ \\t-]{0,40})${FALLBACK}~(?![ \\t]*${CONTACT_ANY_CASE}[ \\t]*\\.)`,
    // 6: a contact token opened and never closed.
    `(~[ \\t]*${CONTACT_ANY_CASE}[ \\t]*\\.[A-Za-z0-9_]*)`,
    // 7: a contact token closed and never opened.
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
    const [token, object, field, fallback, closedContact, closedFallback, unclosed, unopened] =
      match;
    const index = match.index;
    if (object !== undefined && field !== undefined) {
      if (object !== 'Contact' && object.toLowerCase() === 'contact') {
        const meant = suggestion(field, fallback);
        const written = fallback === undefined ? {} : { fallback };
        scan.malformed.push({ token, index, reason: 'case', suggestion: meant, ...written });
      } else {
        const written = fallback === undefined ? {} : { fallback };
        scan.tokens.push({ token, object, field, ...written, index });
      }
    } else if (closedContact !== undefined) {
      const name = splitAtDot(closedContact)[1].replace(/\s+/g, '');
      const reason: MalformedReason = /\s/.test(closedContact)
        ? 'spaces'
        : name === ''
          ? 'no_field'
          : 'field_name';
      const meant = suggestion(name, closedFallback);
      const written = closedFallback === undefined ? {} : { fallback: closedFallback };
      scan.malformed.push({ token, index, reason, suggestion: meant, ...written });
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
function suggestion(name: string, fallback?: string): string | null {
  const standard = suggestContactField(name);
  const key = standard !== undefined ? standard.key : FIELD_PATTERN.test(name) ? name : null;
  return key === null ? null : mergeToken(key, fallback);
}

/**
 * The token for a contact field, with the text to show when the field is empty if one is given:
 * `mergeToken('FirstName', 'there')` is `~Contact.FirstName|there~`. A fallback cannot hold a
 * tilde or a line break (either would end the token) and is cut to `MAX_FALLBACK_LENGTH`.
 */
export function mergeToken(field: string, fallback?: string | null): string {
  const shown = (fallback ?? '')
    .replace(/[~\s]+/g, ' ')
    .trim()
    .slice(0, MAX_FALLBACK_LENGTH)
    .trim();
  return shown === '' ? `~Contact.${field}~` : `~Contact.${field}|${shown}~`;
}

/** The well-formed merge tokens of a message (see `scanMergeTokens` for misspelt ones too). */
export function listMergeTokens(message: string): MergeToken[] {
  return scanMergeTokens(message).tokens;
}

/** The contact fields a tool's texts fill in (messages, re-asks, the reminder), in order of use. */
export function mergeFieldsOfTool(tool: ToolDefinition): string[] {
  const texts = [
    ...tool.steps.flatMap((step) => [step.message, step.reaskMessage]),
    tool.options.reminderMessage,
  ];
  const fields = new Set<string>();
  for (const text of texts)
    for (const token of listMergeTokens(text))
      if (token.object === 'Contact') fields.add(token.field);
  return [...fields];
}

export function fieldValueAsText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return typeof value === 'string' ? value : '';
}

/**
 * The message with every merge field filled in, as the contact reads it; total: any text and any
 * contact give a text.
 */
export function renderMergeFields(message: string, contact: ContactSnapshot | null): string {
  if (typeof message !== 'string') return '';
  // Most messages have no token at all: skip the regex (the state machine renders every send).
  if (!message.includes('~')) return message;
  // The text between the merge fields that came out empty (filled ones are part of the text).
  const texts = [''];
  let from = 0;
  for (const match of message.matchAll(SCAN_PATTERN)) {
    const before = message.slice(from, match.index);
    const value = tokenValue(match, contact);
    if (value === '') {
      texts[texts.length - 1] += before;
      texts.push('');
    } else {
      texts[texts.length - 1] += before + value;
    }
    from = match.index + match[0].length;
  }
  texts[texts.length - 1] += message.slice(from);
  let shown = texts[0]!;
  for (let k = 1; k < texts.length; k++) {
    let after = texts[k]!;
    // Empty fields side by side ("~Contact.FirstName~ ~Contact.LastName~") make one gap.
    while (k + 1 < texts.length && SPACES_ONLY.test(after)) after = texts[++k]!;
    shown = closeGap(shown, after);
  }
  return shown;
}

function tokenValue(match: RegExpMatchArray, contact: ContactSnapshot | null): string {
  const [, object, field, fallback, , closedFallback] = match;
  let value = '';
  if (object === 'Contact' && field !== undefined && contact !== null) {
    value =
      field === 'Id'
        ? contact.id === null
          ? ''
          : String(contact.id)
        : fieldValueAsText(contact.fields[field]);
  }
  // Spaces around a value would show as stray spaces in the sentence.
  value = value.trim();
  return value !== '' ? value : (fallback ?? closedFallback ?? '').trim();
}

const SPACES_ONLY = /^[^\S\r\n]*$/;
const SPACES_AT_END = /[^\S\r\n]*$/;
const SPACES_AT_START = /^[^\S\r\n]*/;
/** Characters that close a clause or a bracket: no space before them. */
const CLOSING = /[.,!?;:)\]}…”’%]/;
/** Characters that open a bracket or a quote: no space after them. */
const OPENING = /[([{“‘]/;
/** Brackets and quotes, each with its closer: an empty field alone inside them takes them away. */
const PAIRS = new Map([
  ['(', ')'],
  ['[', ']'],
  ['{', '}'],
  ['“', '”'],
  ['‘', '’'],
  ['"', '"'],
  ["'", "'"],
]);
/** A joiner left at the start of a line by an empty field there (", thanks for coming"). */
const LEADING_JOINER = /^[,;:][^\S\r\n]*/;

/**
 * Joins the text before an empty merge field with the text after it as the sentence would read
 * without the field: one space between words; none before punctuation, after an opening bracket,
 * at the start or at the end of a line; no comma left before the end ("Thanks, ~…~!" reads
 * "Thanks!"); no empty brackets ("Your order (~…~) ships" reads "Your order ships"). Spaces away
 * from empty fields are the marketer's own and stay.
 */
function closeGap(before: string, after: string): string {
  const spaceBefore = SPACES_AT_END.exec(before)![0];
  let left = before.slice(0, before.length - spaceBefore.length);
  const spaceAfter = SPACES_AT_START.exec(after)![0];
  const right = after.slice(spaceAfter.length);
  const previous = left.charAt(left.length - 1);
  const next = right.charAt(0);
  if (previous !== '' && PAIRS.get(previous) === next) {
    return closeGap(left.slice(0, -1), right.slice(1));
  }
  const lineEnds = next === '' || next === '\n' || next === '\r';
  if (previous === ',' && (lineEnds || CLOSING.test(next))) left = left.slice(0, -1);
  if (lineEnds) return left + right;
  if (previous === '' || previous === '\n' || previous === '\r') {
    return left + right.replace(LEADING_JOINER, '');
  }
  if (CLOSING.test(next) || OPENING.test(previous)) return left + right;
  return left + (spaceBefore || spaceAfter) + right;
}
