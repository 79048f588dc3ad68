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
  for (let index = 0; index < conditions.length; index++) {
    const condition = conditions[index]!;
    if (conditionMatches(condition, reply, fields)) return { kind: 'matched', condition, index };
  }
  return FALLBACK;
}

export function conditionMatches(
  condition: Condition,
  reply: string,
  fields: ContactSnapshot['fields'],
): boolean {
  switch (condition.kind) {
    case 'equals_any': {
      const text = normaliseForMatch(reply);
      return condition.values.some((pattern) => wildcardMatches(pattern, text));
    }
    case 'compare': {
      const number = readNumber(reply);
      return number !== null && inequalityHolds(number, condition.op, condition.value, fields);
    }
    case 'between': {
      const number = readNumber(reply);
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
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Whether `text` (already normalised) equals `pattern` where `*` stands for any run of characters
 * (also none). Every other character is literal, so `$5.00?` matches only "$5.00?". Done by hand
 * rather than with a RegExp so no character of a marketer's phrase can be mistaken for syntax.
 */
export function wildcardMatches(pattern: string, normalisedText: string): boolean {
  const parts = normaliseForMatch(pattern).split('*');
  if (parts.length === 1) return parts[0] === normalisedText;
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  if (head.length + tail.length > normalisedText.length) return false;
  if (!normalisedText.startsWith(head) || !normalisedText.endsWith(tail)) return false;
  let from = head.length;
  const until = normalisedText.length - tail.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i]!;
    if (part === '') continue;
    const at = normalisedText.indexOf(part, from);
    if (at === -1 || at + part.length > until) return false;
    from = at + part.length;
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
