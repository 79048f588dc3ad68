import { normaliseForMatch } from './conditions';
import { findStandardContactField } from './contact-fields';
import type {
  ComparisonOperator,
  Condition,
  ContactFieldKey,
  Inequality,
  Operand,
} from './tool.schema';

/**
 * A condition as one sentence a Keap marketer reads ('reply is "yes" or "y*"', 'reply is at
 * least 18', 'reply is between 1 and 5', "reply is less than the contact's Age"). The sequence map,
 * the funnel and the simulator all name a branch with it, so a branch reads the same everywhere.
 */

export interface DescribeConditionContext {
  /**
   * The label of a contact field by key (an account's custom fields, say). When it gives none, a
   * standard field's catalogue label is used, then the key itself.
   */
  fieldLabel?: (key: ContactFieldKey) => string | null | undefined;
  /** At most this many words of an "equals any" are listed, then "or N more". All when unset. */
  maxValues?: number;
}

const OPERATOR_WORDS: Record<ComparisonOperator, string> = {
  lt: 'less than',
  lte: 'at most',
  gt: 'greater than',
  gte: 'at least',
};

export function describeCondition(
  condition: Condition,
  context: DescribeConditionContext = {},
): string {
  switch (condition.kind) {
    case 'equals_any':
      return `reply is ${describeWords(condition.values, context.maxValues)}`;
    case 'compare':
      return `reply is ${describeInequality(condition, context)}`;
    case 'between':
      return `reply is ${describeBetween(condition.first, condition.second, context)}`;
    default:
      return 'reply matches an unknown condition';
  }
}

function describeWords(values: readonly string[], maxValues: number | undefined): string {
  // A blank row matches nothing (see wildcardMatches), so it is not one of the words.
  const words = values.map((value) => value.trim()).filter((value) => normaliseForMatch(value));
  if (words.length === 0) return '(no words yet)';
  const limit =
    maxValues === undefined
      ? words.length
      : Math.max(1, Math.min(Math.floor(maxValues), words.length));
  const quoted = words.slice(0, limit).map((word) => `"${word}"`);
  const rest = words.length - limit;
  if (rest > 0) return `${quoted.join(', ')} or ${rest} more`;
  return quoted.length === 1
    ? quoted[0]!
    : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function describeInequality(inequality: Inequality, context: DescribeConditionContext): string {
  return `${OPERATOR_WORDS[inequality.op] ?? inequality.op} ${describeOperand(inequality.value, context)}`;
}

function describeOperand(operand: Operand, context: DescribeConditionContext): string {
  if (operand.source === 'static') return String(operand.value);
  const label =
    context.fieldLabel?.(operand.field)?.trim() ||
    findStandardContactField(operand.field)?.label ||
    operand.field;
  return `the contact's ${label}`;
}

const isLower = (op: ComparisonOperator) => op === 'gt' || op === 'gte';

function describeBetween(
  first: Inequality,
  second: Inequality,
  context: DescribeConditionContext,
): string {
  // One lower and one upper bound read low to high; two bounds the same way read as they are.
  const [low, high] =
    isLower(first.op) && !isLower(second.op)
      ? [first, second]
      : isLower(second.op) && !isLower(first.op)
        ? [second, first]
        : [first, second];
  const inclusive = low.op === 'gte' && high.op === 'lte';
  // "between 5 and 1" would hide that no number is both; such a pair is spelt out.
  const inverted =
    low.value.source === 'static' &&
    high.value.source === 'static' &&
    low.value.value > high.value.value;
  if (inclusive && !inverted)
    return `between ${describeOperand(low.value, context)} and ${describeOperand(high.value, context)}`;
  return `${describeInequality(low, context)} and ${describeInequality(high, context)}`;
}
