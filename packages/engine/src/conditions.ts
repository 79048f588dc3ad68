import type { ContactSnapshot } from './conversation.types';
import { readNumber } from './reply';
import type { ComparisonOperator, Condition, Inequality, Next, Operand } from './tool.schema';

/**
 * "Let me decide": conditions are tried top to bottom; the first that matches wins, otherwise the
 * fallback applies. Everything here is total: any reply and any contact data give an answer.
 */

export type DecideNext = Extract<Next, { kind: 'decide' }>;

export type Decision =
  { kind: 'matched'; condition: Condition; index: number } | { kind: 'fallback' };

const FALLBACK: Decision = { kind: 'fallback' };

export function decide(
  next: DecideNext,
  reply: string,
  fields: ContactSnapshot['fields'],
): Decision {
  const conditions = next.conditions;
  // The reply is read at most once per form (text, number), however many conditions there are.
  const view = new ReplyView(reply);
  for (let index = 0; index < conditions.length; index++) {
    const condition = conditions[index]!;
    if (matchesView(condition, view, fields)) return { kind: 'matched', condition, index };
  }
  return FALLBACK;
}

export function conditionMatches(
  condition: Condition,
  reply: string,
  fields: ContactSnapshot['fields'],
): boolean {
  return matchesView(condition, new ReplyView(reply), fields);
}

/** A reply as equals-any reads it and as a number, each computed when first needed. */
class ReplyView {
  private forms: MatchForms | undefined;
  private number: number | null | undefined;
  constructor(private readonly raw: string) {}
  get read(): MatchForms {
    if (this.forms === undefined) this.forms = readForMatch(this.raw);
    return this.forms;
  }
  get asNumber(): number | null {
    if (this.number === undefined) this.number = readNumber(this.raw);
    return this.number;
  }
}

function matchesView(
  condition: Condition,
  reply: ReplyView,
  fields: ContactSnapshot['fields'],
): boolean {
  switch (condition.kind) {
    case 'equals_any': {
      const values = condition.values;
      if (values.length === 0) return false;
      const read = reply.read;
      for (let i = 0; i < values.length; i++) if (patternMatches(values[i]!, read)) return true;
      return false;
    }
    case 'compare': {
      const number = reply.asNumber;
      return number !== null && inequalityHolds(number, condition.op, condition.value, fields);
    }
    case 'between': {
      const number = reply.asNumber;
      return (
        number !== null &&
        inequalityHolds(number, condition.first.op, condition.first.value, fields) &&
        inequalityHolds(number, condition.second.op, condition.second.value, fields)
      );
    }
    default:
      return false;
  }
}

/**
 * How equals-any reads a reply, as a person reads it: case, surrounding and repeated spaces,
 * typographic quotes and compatibility forms (full-width letters) do not matter, nor do the
 * punctuation and emoji before or after the words: "No!", "nope.", "“Yes”", "yes 👍" and
 * "  YES!!  " read as "no", "nope", "yes". A pattern is read the same way, `*` standing for any run
 * of characters. A reply matches a pattern when its text matches the pattern's text (so `*?` still
 * finds "what?" and `*👍*` still finds "ok 👍") or its bare words match the pattern's bare words
 * ("No!" and `no`; "yes 👍" and `"Yes"`).
 */
export interface MatchForms {
  /** `normaliseForMatch`: lower case, spaces and quotes evened out. */
  text: string;
  /** `text` without the punctuation and emoji around its words; `text` when that leaves none. */
  bare: string;
}

/** A reply as equals-any reads it (see `MatchForms`). */
export function readForMatch(reply: string): MatchForms {
  const text = normaliseForMatch(reply);
  return { text, bare: bareWords(text, false) };
}

/** An equals-any pattern as it is matched: like a reply, but its `*` are wildcards, never trimmed. */
export function readPatternForMatch(pattern: string): MatchForms {
  const text = normaliseForMatch(pattern);
  return { text, bare: bareWords(text, true) };
}

/** `formsMatch` for a pattern as written, reading its bare words only when they can matter. */
function patternMatches(pattern: string, reply: MatchForms): boolean {
  const text = normaliseForMatch(pattern);
  if (normalisedPatternMatches(text, reply.text)) return true;
  const bare = bareWords(text, true);
  if (bare === text && reply.bare === reply.text) return false;
  return normalisedPatternMatches(bare, reply.bare);
}

/** Whether a reply read by `readForMatch` matches a pattern read by `readPatternForMatch`. */
export function formsMatch(pattern: MatchForms, reply: MatchForms): boolean {
  if (normalisedPatternMatches(pattern.text, reply.text)) return true;
  if (pattern.bare === pattern.text && reply.bare === reply.text) return false;
  return normalisedPatternMatches(pattern.bare, reply.bare);
}

/**
 * Trimmed, inner whitespace collapsed, lower case, typographic quotes as plain ones and
 * compatibility characters as their plain forms: "  “Yes”  Please " is `"yes" please`.
 */
export function normaliseForMatch(text: string): string {
  if (typeof text !== 'string') return '';
  // ASCII (most replies and patterns) has no compatibility forms nor typographic quotes.
  const plain = !NON_ASCII.test(text)
    ? text
    : text.normalize('NFKC').replace(DOUBLE_QUOTES, '"').replace(SINGLE_QUOTES, "'");
  const trimmed = plain.trim();
  // Most replies and patterns have single spaces only: skip the replace then.
  return (INNER_SPACE.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed).toLowerCase();
}

const NON_ASCII = /[^\p{ASCII}]/u;
const DOUBLE_QUOTES = /[“”„‟«»〝〞〟]/g;
const SINGLE_QUOTES = /[‘’‚‛‹›]/g;
const INNER_SPACE = /\s\s|[^\S ]/;

/** What may surround the words: punctuation, symbols, emoji (with their joiners and modifiers). */
const EDGE =
  /^(?:[\p{P}\p{S}\p{White_Space}\p{Extended_Pictographic}\u200b-\u200d\u2060\u{e0020}-\u{e007f}]|\ufe0e|\ufe0f|\u20e3)$/u;
/** `EDGE` for each ASCII character, looked up rather than matched (every reply is read). */
const ASCII_EDGE = Array.from({ length: 128 }, (_, code) => EDGE.test(String.fromCharCode(code)));
/** A sign or decimal point that starts a number belongs to it: "-7" is not "7", "$7" is. */
const NUMBER_START = /[+\-−][$€£¥]?\.?\d|\.\d/y;
const STAR = 42;

function isEdge(text: string, at: number, length: number): boolean {
  const code = text.charCodeAt(at);
  return length === 1 && code < 128 ? ASCII_EDGE[code]! : EDGE.test(text.slice(at, at + length));
}

function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

function bareWords(text: string, pattern: boolean): string {
  if (text === '') return text;
  // Most replies and patterns start and end with a letter or digit: nothing to strip.
  if (isWordCode(text.charCodeAt(0)) && isWordCode(text.charCodeAt(text.length - 1))) return text;
  let start = 0;
  while (start < text.length) {
    const length = text.codePointAt(start)! > 0xffff ? 2 : 1;
    if ((pattern && text.charCodeAt(start) === STAR) || !isEdge(text, start, length)) break;
    NUMBER_START.lastIndex = start;
    if (NUMBER_START.test(text)) break;
    start += length;
  }
  let end = text.length;
  while (end > start) {
    const low = text.charCodeAt(end - 1);
    const length = low >= 0xdc00 && low <= 0xdfff && end - 2 >= start ? 2 : 1;
    const from = end - length;
    if ((pattern && low === STAR) || !isEdge(text, from, length)) break;
    // "50%" is not "50".
    if (low === 37 && from > start && /\d/.test(text.charAt(from - 1))) break;
    end = from;
  }
  if (start === 0 && end === text.length) return text;
  const bare = text.slice(start, end);
  // Only punctuation or emoji ("👍", "?"), or a pattern left with only wildcards: that is the word.
  return (pattern ? /[^*]/.test(bare) : bare !== '') ? bare : text;
}

/**
 * Whether a reply matches an equals-any pattern (see `MatchForms`). In a pattern `*` stands for any
 * run of characters (also none) and every other character is literal, so `$5.00?` matches only
 * "$5.00?" (or "5.00"). A blank pattern (an empty row left in the list) matches nothing, not even
 * an empty reply.
 */
export function wildcardMatches(pattern: string, reply: string): boolean {
  return formsMatch(readPatternForMatch(pattern), readForMatch(reply));
}

/** Wildcard matching of texts already passed through `normaliseForMatch` (see `wildcardMatches`). */
export function normalisedPatternMatches(p: string, normalisedText: string): boolean {
  if (p === '') return false;
  const first = p.indexOf('*');
  if (first === -1) return p === normalisedText;
  const last = p.lastIndexOf('*');
  const text = normalisedText;
  const tailLength = p.length - last - 1;
  if (first + tailLength > text.length) return false;
  if (first > 0 && !text.startsWith(p.substring(0, first))) return false;
  if (tailLength > 0 && !text.endsWith(p.substring(last + 1))) return false;
  // Middle parts in order, between the head and the tail (indexOf, no substring allocation loop).
  let from = first;
  const until = text.length - tailLength;
  let i = first + 1;
  while (i < last) {
    const star = p.indexOf('*', i);
    if (star > i) {
      const part = p.substring(i, star);
      const at = text.indexOf(part, from);
      if (at === -1 || at + part.length > until) return false;
      from = at + part.length;
    }
    i = star + 1;
  }
  return true;
}

/** The number an operand stands for; null when a field is missing or not a number. */
export function operandValue(operand: Operand, fields: ContactSnapshot['fields']): number | null {
  if (operand.source === 'static') return Number.isFinite(operand.value) ? operand.value : null;
  const value = fields[operand.field];
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return readNumber(value);
  return null;
}

export function compareNumbers(left: number, op: ComparisonOperator, right: number): boolean {
  switch (op) {
    case 'lt':
      return left < right;
    case 'lte':
      return left <= right;
    case 'gt':
      return left > right;
    case 'gte':
      return left >= right;
    default:
      return false;
  }
}

function inequalityHolds(
  number: number,
  op: ComparisonOperator,
  operand: Operand,
  fields: ContactSnapshot['fields'],
): boolean {
  const right = operandValue(operand, fields);
  return right !== null && compareNumbers(number, op, right);
}

/**
 * Whether a "between" can never match whatever the reply: both bounds static and no number
 * satisfies both (e.g. "greater than 10" and "less than 5"). Field bounds are unknown until run.
 */
export function betweenNeverMatches(first: Inequality, second: Inequality): boolean {
  if (first.value.source !== 'static' || second.value.source !== 'static') return false;
  let low = -Infinity;
  let lowOpen = true;
  let high = Infinity;
  let highOpen = true;
  for (const { op, value } of [first, second]) {
    const bound = (value as { value: number }).value;
    if (op === 'gt' || op === 'gte') {
      const open = op === 'gt';
      if (bound > low || (bound === low && open)) {
        low = bound;
        lowOpen = open;
      }
    } else {
      const open = op === 'lt';
      if (bound < high || (bound === high && open)) {
        high = bound;
        highOpen = open;
      }
    }
  }
  if (low < high) return false;
  return !(low === high && !lowOpen && !highOpen);
}
