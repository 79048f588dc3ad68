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

/** A reply with its normalised text and its number, each computed when first needed. */
class ReplyView {
  private text: string | undefined;
  private number: number | null | undefined;
  constructor(private readonly raw: string) {}
  get normalised(): string {
    if (this.text === undefined) this.text = normaliseForMatch(this.raw);
    return this.text;
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
      const text = reply.normalised;
      for (let i = 0; i < values.length; i++) if (wildcardMatches(values[i]!, text)) return true;
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

/** Trimmed, inner whitespace collapsed, lower case: "  Yes  Please " and "yes please" are equal. */
export function normaliseForMatch(text: string): string {
  if (typeof text !== 'string') return '';
  const trimmed = text.trim();
  // Most replies and patterns have single spaces only: skip the replace then.
  return (INNER_SPACE.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed).toLowerCase();
}

const INNER_SPACE = /\s\s|[^\S ]/;

/**
 * Whether `text` (already normalised) equals `pattern` where `*` stands for any run of characters
 * (also none). Every other character is literal, so `$5.00?` matches only "$5.00?". Done by hand
 * rather than with a RegExp so no character of a marketer's phrase can be mistaken for syntax.
 * A blank pattern (an empty row left in the list) matches nothing, not even an empty reply.
 */
export function wildcardMatches(pattern: string, normalisedText: string): boolean {
  return normalisedPatternMatches(normaliseForMatch(pattern), normalisedText);
}

/** `wildcardMatches` for a pattern already passed through `normaliseForMatch`. */
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
