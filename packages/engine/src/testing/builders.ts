import type { ContactSnapshot, ConversationState } from '../conversation.types';
import {
  stepSchema,
  toolDefinitionSchema,
  type ApiGoal,
  type Condition,
  type Inequality,
  type Next,
  type Step,
  type ToolDefinition,
  type ToolDefinitionInput,
} from '../tool.schema';

/** Test data builders: tests say what matters about a tool and leave the rest to defaults. */

type StepInput = Partial<Omit<Step, 'id'>>;

export class ToolBuilder {
  private input: ToolDefinitionInput = {
    name: 'Test tool',
    startMode: 'keyword_or_http',
    sender: { kind: 'phone_number', phoneNumber: '+15005550006' },
    keyword: 'BLUE',
    phoneField: 'Phone1',
    collectEmailFirst: false,
    steps: [],
    options: {},
  };

  withStep(id: string, step: StepInput = {}): this {
    this.input.steps = [...(this.input.steps ?? []), { message: `Message of ${id}`, ...step, id }];
    return this;
  }

  withEmailStep(id = 'request-email', step: StepInput = {}): this {
    return this.withStep(id, {
      message: 'Reply with your email. Text STOP to stop.',
      saveTo: 'Email',
      validation: 'email',
      ...step,
    });
  }

  with(fields: Partial<ToolDefinitionInput>): this {
    this.input = { ...this.input, ...fields };
    return this;
  }

  withOptions(options: NonNullable<ToolDefinitionInput['options']>): this {
    this.input.options = { ...(this.input.options ?? {}), ...options };
    return this;
  }

  collectingEmailFirst(): this {
    return this.with({ collectEmailFirst: true });
  }

  httpOnly(): this {
    return this.with({ startMode: 'http_only', keyword: null });
  }

  build(): ToolDefinition {
    return toolDefinitionSchema.parse(this.input);
  }
}

export function aTool(): ToolBuilder {
  return new ToolBuilder();
}

export function aStep(id: string, step: StepInput = {}): Step {
  return stepSchema.parse({ message: `Message of ${id}`, ...step, id });
}

// ---- "What happens next" ----------------------------------------------------------------------

export const nextMessage = (): Next => ({ kind: 'next' });
export const finish = (): Next => ({ kind: 'finish' });

export function decideBy(
  conditions: Condition[],
  fallback: { tagId?: number | null; stepId?: string | null; goal?: ApiGoal } = {},
): Extract<Next, { kind: 'decide' }> {
  return {
    kind: 'decide',
    conditions,
    fallbackTagId: fallback.tagId ?? null,
    ...(fallback.goal ? { fallbackGoal: fallback.goal } : {}),
    fallbackStepId: fallback.stepId ?? null,
  };
}

interface Target {
  id?: string;
  tagId?: number | null;
  goal?: ApiGoal;
  goTo?: string | null;
}

let conditionCounter = 0;
const target = (t: Target) => ({
  id: t.id ?? `c${++conditionCounter}`,
  tagId: t.tagId ?? null,
  ...(t.goal ? { goal: t.goal } : {}),
  nextStepId: t.goTo ?? null,
});

export function equalsAny(values: string[], t: Target = {}): Condition {
  return { kind: 'equals_any', values, ...target(t) };
}

export function compareTo(
  op: Inequality['op'],
  value: number | { field: string },
  t: Target = {},
): Condition {
  return { kind: 'compare', op, value: operand(value), ...target(t) };
}

export function between(
  first: [Inequality['op'], number | { field: string }],
  second: [Inequality['op'], number | { field: string }],
  t: Target = {},
): Condition {
  return {
    kind: 'between',
    first: { op: first[0], value: operand(first[1]) },
    second: { op: second[0], value: operand(second[1]) },
    ...target(t),
  };
}

function operand(value: number | { field: string }): Inequality['value'] {
  return typeof value === 'number'
    ? { source: 'static', value }
    : { source: 'field', field: value.field };
}

// ---- Contacts and conversations ---------------------------------------------------------------

export function aContact(fields: ContactSnapshot['fields'] = {}, id = 42): ContactSnapshot {
  return { id, fields };
}

export const T0 = '2025-03-01T15:00:00.000Z';

export function minutesAfter(at: string, minutes: number): string {
  return new Date(Date.parse(at) + minutes * 60_000).toISOString();
}

export function aConversation(state: Partial<ConversationState> = {}): ConversationState {
  return {
    status: 'awaiting_reply',
    phone: '+14155550123',
    contact: aContact(),
    currentStepId: null,
    reasks: 0,
    startedAt: T0,
    lastActivityAt: T0,
    reminderSentAt: null,
    pendingEmail: null,
    pendingReply: null,
    ...state,
  };
}
