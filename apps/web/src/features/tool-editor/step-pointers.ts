import { describeCondition, type Step } from '@sms-seq/engine';
import { stepLabel } from './step-label';

/**
 * Who points at a step: what a marketer must hear before deleting it, and what the deletion does
 * to each (repointed to a step of their choice, or finishing, never "Missing step").
 */

export type Pointer =
  /** A "let me decide" condition sends the step (conditionIndex from 0). */
  | { kind: 'condition'; from: number; conditionIndex: number; label: string }
  /** The step is sent when none of a step's conditions matches. */
  | { kind: 'no_match'; from: number }
  /** The step just above goes on to "the next message" after its reply. */
  | { kind: 'next'; from: number };

/** Every route from another step into step `index` (its own loops to itself do not count). */
export function pointersTo(steps: readonly Step[], index: number): Pointer[] {
  const target = steps[index];
  if (!target) return [];
  const pointers: Pointer[] = [];
  steps.forEach((step, from) => {
    if (from === index) return;
    const next = step.next;
    if (next.kind === 'next' && from === index - 1) pointers.push({ kind: 'next', from });
    if (next.kind !== 'decide') return;
    next.conditions.forEach((condition, conditionIndex) => {
      if (condition.nextStepId === target.id)
        pointers.push({
          kind: 'condition',
          from,
          conditionIndex,
          label: describeCondition(condition, { maxValues: 3 }),
        });
    });
    if (next.fallbackStepId === target.id) pointers.push({ kind: 'no_match', from });
  });
  return pointers;
}

/** "#2 Ask colour → condition 2 (reply is “yes”)", "#3 Ask size → no match". */
export function describePointer(steps: readonly Step[], pointer: Pointer): string {
  const from = steps[pointer.from];
  const name = from ? stepLabel(from, pointer.from) : `#${pointer.from + 1}`;
  if (pointer.kind === 'condition')
    return `${name} → condition ${pointer.conditionIndex + 1} (${pointer.label})`;
  if (pointer.kind === 'no_match') return `${name} → no match`;
  return `${name} → the next message`;
}

/**
 * The steps without step `index`; every condition and "no match" that sent it sends `repointTo`
 * instead (a step id, or null: the conversation finishes there).
 */
export function withoutStep(
  steps: readonly Step[],
  index: number,
  repointTo: string | null,
): Step[] {
  const removed = steps[index];
  if (!removed) return [...steps];
  const target = (id: string | null) => (id === removed.id ? repointTo : id);
  return steps
    .filter((_, at) => at !== index)
    .map((step) =>
      step.next.kind === 'decide'
        ? {
            ...step,
            next: {
              ...step.next,
              conditions: step.next.conditions.map((condition) => ({
                ...condition,
                nextStepId: target(condition.nextStepId),
              })),
              fallbackStepId: target(step.next.fallbackStepId),
            },
          }
        : step,
    );
}

/**
 * Where a step goes after a route of it is pointed at `to` (a step id, or null: finish), as a drag
 * on the map or the panel's "Goes to" sets it. `conditionIndex` null is the step's own route: "no
 * match" for a step that decides, else what follows its reply (the step below it is "the next
 * message"; any other step is a decision with no conditions, whose "no match" is that step).
 */
export function routedNext(
  steps: readonly Step[],
  from: number,
  conditionIndex: number | null,
  to: string | null,
): Step['next'] | null {
  const step = steps[from];
  if (!step) return null;
  const next = step.next;
  if (next.kind === 'decide') {
    if (conditionIndex === null) return { ...next, fallbackStepId: to };
    if (!next.conditions[conditionIndex]) return null;
    return {
      ...next,
      conditions: next.conditions.map((condition, at) =>
        at === conditionIndex ? { ...condition, nextStepId: to } : condition,
      ),
    };
  }
  if (conditionIndex !== null) return null;
  if (to === null) return { kind: 'finish' };
  if (to === steps[from + 1]?.id) return { kind: 'next' };
  return { kind: 'decide', conditions: [], fallbackTagId: null, fallbackStepId: to };
}

/** Where a step's own route goes now: a step id, or null when it finishes. */
export function ownRoute(steps: readonly Step[], from: number): string | null {
  const next = steps[from]?.next;
  if (!next || next.kind === 'finish') return null;
  if (next.kind === 'next') return steps[from + 1]?.id ?? null;
  return next.fallbackStepId;
}
