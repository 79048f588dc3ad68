import { stepSchema, type Condition, type Step } from '@sms-seq/engine';

/** Ids only need to be unique within one tool; they never leave it. */
export function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export function newStep(name: string): Step {
  return stepSchema.parse({ id: newId('step'), name });
}

export function newCondition(kind: Condition['kind']): Condition {
  const base = { id: newId('cond'), tagId: null, nextStepId: null };
  if (kind === 'equals_any') return { ...base, kind, values: [] };
  if (kind === 'compare') return { ...base, kind, op: 'gt', value: { source: 'static', value: 0 } };
  return {
    ...base,
    kind,
    first: { op: 'gte', value: { source: 'static', value: 0 } },
    second: { op: 'lte', value: { source: 'static', value: 10 } },
  };
}
