import { conditionMatches } from '../conditions';
import type {
  ContactSnapshot,
  ConversationState,
  NoConversation,
  Transition,
} from '../conversation.types';
import { advance, findStep, isFinal } from '../machine';
import { readNumber } from '../reply';
import type { Condition, Operand, ToolDefinition } from '../tool.schema';
import { T0 } from './builders';

/**
 * Explores what real contacts can do: a breadth-first search over conversation states, each step
 * answered with every candidate reply, through the real `advance()`. It knows nothing of
 * validation's graph, so it can judge it.
 *
 * Candidate replies for the step being answered: each word of each condition with its `*` removed,
 * replaced by a letter and by a character no pattern uses; numbers equal to each bound and just
 * either side of it (a field's bound read from the contact's fields as they are now); an email
 * address; a number where the step checks for one; and one text that matches no condition.
 */

const NOTHING_TEXTS = ['qqq', 'ʬʬ', '☃', '\u{1F9A9}'];
const EMAIL = 'jo@example.com';

export function candidateReplies(tool: ToolDefinition, state: ConversationState): string[] {
  const step = findStep(tool, state.currentStepId);
  const replies = new Set<string>([EMAIL]);
  // A step that checks for a number takes one, whatever comes next (a finish waits for it too).
  if (step?.validation === 'number') replies.add('7');
  if (step === undefined || step.next.kind !== 'decide') {
    replies.add(NOTHING_TEXTS[0]!);
    return [...replies];
  }
  const conditions = step.next.conditions;
  const words = conditions.filter((c) => c.kind === 'equals_any');
  const nothing = NOTHING_TEXTS.find((text) => !words.some((c) => conditionMatches(c, text, {})));
  if (nothing !== undefined) replies.add(nothing);
  for (const condition of conditions) {
    for (const reply of repliesFor(condition, state.contact, nothing ?? '\u{1F9A9}'))
      replies.add(reply);
  }
  return [...replies];
}

function repliesFor(condition: Condition, contact: ContactSnapshot, filler: string): string[] {
  if (condition.kind === 'equals_any') {
    return condition.values.flatMap((value) => [
      value.replace(/\*/g, ''),
      value.replace(/\*/g, 'x'),
      value.replace(/\*/g, filler),
    ]);
  }
  const operands =
    condition.kind === 'compare'
      ? [condition.value]
      : [condition.first.value, condition.second.value];
  return operands.flatMap((operand) => {
    const bound = boundOf(operand, contact);
    return bound === null ? [] : [-1, -0.5, 0, 0.5, 1].map((d) => String(bound + d));
  });
}

function boundOf(operand: Operand, contact: ContactSnapshot): number | null {
  if (operand.source === 'static') return operand.value;
  const value = contact.fields[operand.field];
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? readNumber(value) : null;
}

export interface Exploration {
  finished: boolean;
  /** How many distinct states were looked at. */
  states: number;
}

/**
 * Whether some sequence of candidate replies takes the conversation `start` began to `finished`.
 * `contact` answers `resolve_contact` (keyword starts). Gives up after `maxStates` states.
 */
export function explore(
  tool: ToolDefinition,
  start: Transition | NoConversation,
  contact: ContactSnapshot,
  maxStates = 3000,
): Exploration {
  const queue: ConversationState[] = [];
  const seen = new Set<string>();
  let finished = false;
  const visit = (state: ConversationState | null) => {
    if (state === null) return;
    if (state.status === 'finished') finished = true;
    const key = JSON.stringify([
      state.status,
      state.currentStepId,
      state.reasks,
      state.contact,
      state.pendingEmail,
      state.pendingReply ?? null,
    ]);
    if (seen.has(key)) return;
    seen.add(key);
    queue.push(state);
  };
  visit(start.state);
  for (let i = 0; i < queue.length && !finished && seen.size <= maxStates; i++) {
    const state = queue[i]!;
    if (isFinal(state.status)) continue;
    if (state.status === 'awaiting_contact') {
      visit(advance(tool, state, { type: 'contact_resolved', at: T0, contact }).state);
      continue;
    }
    for (const text of candidateReplies(tool, state))
      visit(advance(tool, state, { type: 'reply', at: T0, text }).state);
  }
  return { finished, states: seen.size };
}
