import { decide } from './conditions';
import {
  FINAL_STATUSES,
  type ContactSnapshot,
  type ConversationEvent,
  type ConversationState,
  type ConversationStatus,
  type Effect,
  type EffectReason,
  type NoConversation,
  type Outcome,
  type Transition,
} from './conversation.types';
import { renderMergeFields } from './merge-fields';
import { classifyKeyword, readEmail, readNumber } from './reply';
import type { ApiGoal, Step, StepId, ToolDefinition } from './tool.schema';

/**
 * The conversation state machine: `advance(tool, state, event)` gives the next state, the effects
 * to carry out and why. Pure and total: no clock (time comes on events), no I/O, and any event in
 * any state has an answer; nothing a contact texts can make it throw.
 *
 * Kept cheap on purpose (it runs for every inbound text): no schema parsing, no regex building,
 * linear step look-ups (a tool has at most 100 steps).
 */

export const DEFAULT_REASK_MESSAGES = {
  email: "That doesn't look like an email address. Please reply with your email address.",
  number: 'Please reply with a number.',
  none: "Sorry, we didn't get that. Please reply again.",
} as const;

type Event<T extends ConversationEvent['type']> = Extract<ConversationEvent, { type: T }>;

export function advance(
  tool: ToolDefinition,
  state: ConversationState,
  event: ConversationEvent,
): Transition;
export function advance(
  tool: ToolDefinition,
  state: ConversationState | null,
  event: ConversationEvent,
): Transition | NoConversation;
export function advance(
  tool: ToolDefinition,
  state: ConversationState | null,
  event: ConversationEvent,
): Transition | NoConversation {
  if (state === null) return start(tool, event);
  if (isFinal(state.status)) return ignored(state, `the conversation has ended (${state.status})`);
  switch (event?.type) {
    case 'start_keyword':
    case 'start_http':
      return ignored(state, 'this number is already in a conversation of this tool');
    case 'reply':
      return onReply(tool, state, event);
    case 'contact_resolved':
      return onContactResolved(tool, state, event);
    case 'opt_out':
      return endConversation(tool, state, event.at, 'opted_out', optOutTag(tool, state));
    case 'opt_in':
      return ignored(state, 'opt-ins are recorded by the runtime; the conversation is unaffected');
    case 'send_failed':
      return onSendFailed(tool, state, event);
    case 'tick':
      return onTick(tool, state, event);
    case 'end':
      return endConversation(tool, state, event.at, 'ended', []);
    default:
      return ignored(state, 'unknown event');
  }
}

export function isFinal(status: ConversationStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export function findStep(
  tool: ToolDefinition,
  stepId: StepId | null | undefined,
): Step | undefined {
  if (stepId === null || stepId === undefined) return undefined;
  const steps = tool.steps;
  for (let i = 0; i < steps.length; i++) if (steps[i]!.id === stepId) return steps[i];
  return undefined;
}

// ---- Starting ---------------------------------------------------------------------------------

function start(tool: ToolDefinition, event: ConversationEvent): Transition | NoConversation {
  switch (event?.type) {
    case 'start_keyword':
      return startByKeyword(tool, event);
    case 'start_http':
      return startByHttp(tool, event);
    default:
      return noConversation('there is no conversation for this event');
  }
}

function startByKeyword(
  tool: ToolDefinition,
  event: Event<'start_keyword'>,
): Transition | NoConversation {
  if (tool.startMode !== 'keyword_or_http')
    return noConversation('this tool only starts by HTTP Post');
  const first = tool.steps[0];
  if (first === undefined) return noConversation('the tool has no steps');
  const state = newState(event.phone, { id: null, fields: {} }, first.id, event.at);
  const outcome: Outcome = { kind: 'started', stepId: first.id };
  if (tool.collectEmailFirst) {
    // The first step asks for the email; the contact is found by it once it arrives.
    return { state, effects: [sendStep(first, state.contact)], outcome };
  }
  return {
    state: { ...state, status: 'awaiting_contact' },
    effects: [
      { type: 'resolve_contact', email: null, phone: event.phone, phoneField: tool.phoneField },
    ],
    outcome,
  };
}

function startByHttp(
  tool: ToolDefinition,
  event: Event<'start_http'>,
): Transition | NoConversation {
  const wanted = event.startStepId ?? null;
  const step = wanted === null ? tool.steps[0] : findStep(tool, wanted);
  if (step === undefined) {
    return noConversation(
      wanted === null ? 'the tool has no steps' : `there is no step "${wanted}"`,
    );
  }
  const contact: ContactSnapshot = { ...event.contact, fields: { ...event.contact.fields } };
  const state = newState(event.phone, contact, step.id, event.at);
  return goTo(tool, state, step, event.at, [], { kind: 'started', stepId: step.id });
}

function newState(
  phone: string,
  contact: ContactSnapshot,
  stepId: StepId,
  at: string,
): ConversationState {
  return {
    status: 'awaiting_reply',
    phone,
    contact,
    currentStepId: stepId,
    reasks: 0,
    startedAt: at,
    lastActivityAt: at,
    reminderSentAt: null,
    pendingEmail: null,
    pendingReply: null,
  };
}

// ---- Replies ----------------------------------------------------------------------------------

function onReply(
  tool: ToolDefinition,
  state: ConversationState,
  event: Event<'reply'>,
): Transition {
  const text = typeof event.text === 'string' ? event.text : '';
  // The runtime normally sends opt-outs as their own event; a STOP arriving as a reply still is one.
  const keyword = classifyKeyword(text);
  if (keyword === 'opt_out')
    return endConversation(tool, state, event.at, 'opted_out', optOutTag(tool, state));
  if (keyword === 'help')
    // Twilio answers HELP/INFO on the number itself (its default or Advanced Opt-Out help
    // message); taking it as a reply would branch on a word the carrier reserves.
    return ignored(state, 'HELP/INFO is answered by Twilio on the number, not taken as a reply');
  if (state.status !== 'awaiting_reply') {
    return ignored(
      state,
      'waiting for the contact to be found; the runtime queues replies until then',
    );
  }
  const step = findStep(tool, state.currentStepId);
  if (step === undefined) return endConversation(tool, state, event.at, 'ended', []);
  if (state.contact.id === null) return onEmailReply(tool, state, step, text, event.at);

  let value = text.trim();
  if (step.validation === 'email') {
    const email = readEmail(text);
    if (email === null) return reaskOrMoveOn(tool, state, step, text, event.at);
    value = email;
  } else if (step.validation === 'number' && readNumber(text) === null) {
    return reaskOrMoveOn(tool, state, step, text, event.at);
  }
  const effects: Effect[] = [];
  let next = state;
  if (step.saveTo !== null) {
    effects.push({ type: 'save_field', field: step.saveTo, value });
    // Conditions on this reply must see the value just saved.
    next = { ...state, contact: withField(state.contact, step.saveTo, value) };
  }
  return moveOn(tool, next, step, text, event.at, effects);
}

/** The keyword start's email step: the reply finds the contact, so it must be an email address. */
function onEmailReply(
  tool: ToolDefinition,
  state: ConversationState,
  step: Step,
  text: string,
  at: string,
): Transition {
  const email = readEmail(text);
  if (email === null && state.reasks < tool.options.maxReasks) return reask(tool, state, step, at);
  // With no email after the last re-ask, find or create the contact by phone and move on, rather
  // than lose the lead.
  return {
    state: {
      ...state,
      status: 'awaiting_contact',
      pendingEmail: email,
      pendingReply: text,
      lastActivityAt: at,
    },
    effects: [{ type: 'resolve_contact', email, phone: state.phone, phoneField: tool.phoneField }],
    outcome: { kind: 'resolving_contact', stepId: step.id, email },
  };
}

function reaskOrMoveOn(
  tool: ToolDefinition,
  state: ConversationState,
  step: Step,
  text: string,
  at: string,
): Transition {
  if (state.reasks < tool.options.maxReasks) return reask(tool, state, step, at);
  // Out of re-asks: move on, but never write a reply that failed validation into the field.
  return moveOn(tool, state, step, text, at, []);
}

function reask(tool: ToolDefinition, state: ConversationState, step: Step, at: string): Transition {
  const attempt = state.reasks + 1;
  const validation = state.contact.id === null ? 'email' : step.validation;
  const text =
    step.reaskMessage.trim() !== '' ? step.reaskMessage : DEFAULT_REASK_MESSAGES[validation];
  return {
    state: { ...state, reasks: attempt, lastActivityAt: at },
    effects: [
      {
        type: 'send_message',
        stepId: step.id,
        body: renderMergeFields(text, state.contact),
        mediaUrls: [],
        purpose: 'reask',
      },
    ],
    outcome: { kind: 'reasked', stepId: step.id, attempt },
  };
}

/** "What happens next" after `step` was answered with `reply`. */
function moveOn(
  tool: ToolDefinition,
  state: ConversationState,
  step: Step,
  reply: string,
  at: string,
  effects: Effect[],
): Transition {
  const next = step.next;
  if (next.kind === 'decide') {
    const decision = decide(next, reply, state.contact.fields);
    if (decision.kind === 'matched') {
      const { condition, index } = decision;
      if (condition.tagId !== null)
        effects.push({ type: 'apply_tag', tagId: condition.tagId, reason: 'condition' });
      pushGoal(effects, condition.goal, 'condition');
      const target = findStep(tool, condition.nextStepId);
      const outcome: Outcome = {
        kind: 'matched',
        stepId: step.id,
        conditionId: condition.id,
        conditionIndex: index,
        nextStepId: target?.id ?? null,
      };
      return goTo(tool, state, target, at, effects, outcome);
    }
    if (next.fallbackTagId !== null)
      effects.push({ type: 'apply_tag', tagId: next.fallbackTagId, reason: 'fallback' });
    pushGoal(effects, next.fallbackGoal, 'fallback');
    const target = findStep(tool, next.fallbackStepId);
    return goTo(tool, state, target, at, effects, {
      kind: 'fallback',
      stepId: step.id,
      nextStepId: target?.id ?? null,
    });
  }
  let target: Step | undefined;
  if (next.kind === 'next') target = tool.steps[tool.steps.indexOf(step) + 1];
  return goTo(tool, state, target, at, effects, {
    kind: 'moved_on',
    stepId: step.id,
    nextStepId: target?.id ?? null,
  });
}

/**
 * A finish step that neither saves nor checks its reply: nothing is left to wait for, so the
 * conversation ends as soon as its text is sent (the note is written, the phone is free at once).
 * A finish step that saves or checks its reply waits for it, then ends.
 */
export function isClosingMessage(step: Pick<Step, 'next' | 'saveTo' | 'validation'>): boolean {
  return step.next.kind === 'finish' && step.saveTo === null && step.validation === 'none';
}

/**
 * Whether `transition` is the reply a waiting finish step took, finishing the conversation. A
 * reply that is also a live keyword then starts the keyword's tool: the contact asked for it and
 * the phone is free. A reply that matched a condition was an answer only, even when it finished.
 */
export function answeredFinishStep(tool: ToolDefinition, transition: Transition): boolean {
  const { state, outcome } = transition;
  return (
    state.status === 'finished' &&
    outcome.kind === 'moved_on' &&
    findStep(tool, outcome.stepId)?.next.kind === 'finish'
  );
}

/**
 * Sends `target` and waits for its reply, or finishes when there is none (no target, or a closing
 * message, which finishes in the same transition that sends it).
 */
function goTo(
  tool: ToolDefinition,
  state: ConversationState,
  target: Step | undefined,
  at: string,
  effects: Effect[],
  outcome: Outcome,
): Transition {
  if (target === undefined) return finishWith(tool, state, at, 'finished', effects, outcome, true);
  effects.push(sendStep(target, state.contact));
  // Written out rather than spread: this is the hottest allocation of a reply.
  const waiting: ConversationState = {
    status: 'awaiting_reply',
    phone: state.phone,
    contact: state.contact,
    currentStepId: target.id,
    reasks: 0,
    startedAt: state.startedAt,
    lastActivityAt: at,
    reminderSentAt: null,
    pendingEmail: null,
    pendingReply: null,
  };
  if (isClosingMessage(target))
    return finishWith(tool, waiting, at, 'finished', effects, outcome, true);
  return { state: waiting, effects, outcome };
}

// ---- The contact ------------------------------------------------------------------------------

function onContactResolved(
  tool: ToolDefinition,
  state: ConversationState,
  event: Event<'contact_resolved'>,
): Transition {
  if (state.status !== 'awaiting_contact') return ignored(state, 'no contact was being looked up');
  const step = findStep(tool, state.currentStepId);
  if (step === undefined) return endConversation(tool, state, event.at, 'ended', []);
  const resolved = event.contact ?? { id: null, fields: {} };
  let contact: ContactSnapshot = { ...resolved, fields: { ...resolved.fields } };
  // The runtime stored the phone (and the email it searched by); the snapshot must show them.
  if (isEmpty(contact.fields[tool.phoneField])) contact.fields[tool.phoneField] = state.phone;
  const effects: Effect[] = [];
  const email = state.pendingEmail;
  if (email !== null) {
    if (isEmpty(contact.fields.Email)) contact.fields.Email = email;
    if (step.saveTo !== null) {
      // resolve_contact already wrote the email to Email; only another field needs a save.
      if (step.saveTo !== 'Email')
        effects.push({ type: 'save_field', field: step.saveTo, value: email });
      contact = withField(contact, step.saveTo, email);
    }
  }
  const base: ConversationState = { ...state, contact, lastActivityAt: event.at };
  const inner =
    state.pendingReply !== null && state.pendingReply !== undefined
      ? moveOn(tool, base, step, state.pendingReply, event.at, effects)
      : goTo(tool, base, step, event.at, effects, { kind: 'started', stepId: step.id });
  return {
    ...inner,
    outcome: {
      kind: 'contact_resolved',
      contactId: contact.id,
      ...(event.created !== undefined ? { created: event.created } : {}),
      then: inner.outcome,
    },
  };
}

function withField(contact: ContactSnapshot, field: string, value: string): ContactSnapshot {
  const fields = Object.assign({}, contact.fields);
  fields[field] = value;
  return { ...contact, fields };
}

function isEmpty(value: string | number | null | undefined): boolean {
  return value === null || value === undefined || value === '';
}

// ---- Endings ----------------------------------------------------------------------------------

function onSendFailed(
  tool: ToolDefinition,
  state: ConversationState,
  event: Event<'send_failed'>,
): Transition {
  switch (event.reason) {
    case 'invalid_number':
    case 'not_mobile': {
      const tagId = tool.options.invalidNumberTagId;
      const effects: Effect[] = [];
      // Tags and goals need a Keap contact: before it is found there is nothing to act on.
      if (state.contact.id !== null) {
        if (tagId !== null) effects.push({ type: 'apply_tag', tagId, reason: 'invalid_number' });
        pushGoal(effects, tool.options.invalidNumberGoal, 'invalid_number');
      }
      return endConversation(tool, state, event.at, 'invalid_number', effects);
    }
    case 'unsubscribed':
      return endConversation(tool, state, event.at, 'opted_out', optOutTag(tool, state));
    default:
      return ignored(state, 'unknown send failure');
  }
}

/** A tag needs a Keap contact: before the contact is found there is nothing to tag. */
function optOutTag(tool: ToolDefinition, state: ConversationState): Effect[] {
  const tagId = tool.options.optOutTagId;
  const effects: Effect[] = [];
  if (state.contact.id === null) return effects;
  if (tagId !== null) effects.push({ type: 'apply_tag', tagId, reason: 'opt_out' });
  pushGoal(effects, tool.options.optOutGoal, 'opt_out');
  return effects;
}

/** The goal beside a tag, right after it: the step's save_field is already ahead of both. */
function pushGoal(effects: Effect[], goal: ApiGoal | null | undefined, reason: EffectReason) {
  // A half-typed goal (a draft in the simulator) names nothing Keap could achieve.
  if (goal && goal.integration !== '' && goal.callName !== '')
    effects.push({ type: 'achieve_goal', goal, reason });
}

function endConversation(
  tool: ToolDefinition,
  state: ConversationState,
  at: string,
  status: ConversationStatus,
  effects: Effect[],
): Transition {
  return finishWith(
    tool,
    state,
    at,
    status,
    effects,
    { kind: 'ended', status },
    status !== 'expired',
  );
}

function finishWith(
  tool: ToolDefinition,
  state: ConversationState,
  at: string,
  status: ConversationStatus,
  effects: Effect[],
  outcome: Outcome,
  isActivity: boolean,
): Transition {
  if (tool.options.createNote && state.contact.id !== null) effects.push({ type: 'write_note' });
  effects.push({ type: 'conversation_ended', status });
  return {
    // currentStepId stays: the step the conversation ended on feeds the per-step funnel.
    state: {
      ...state,
      status,
      lastActivityAt: isActivity ? at : state.lastActivityAt,
      pendingReply: null,
    },
    effects,
    outcome,
  };
}

// ---- Time -------------------------------------------------------------------------------------

const MINUTE = 60_000;

function onTick(tool: ToolDefinition, state: ConversationState, event: Event<'tick'>): Transition {
  const now = Date.parse(event.at);
  const last = Date.parse(state.lastActivityAt);
  if (!Number.isFinite(now) || !Number.isFinite(last)) return ignored(state, 'unreadable time');
  const expiresAt = last + tool.options.expiryMinutes * MINUTE;
  if (now >= expiresAt) return endConversation(tool, state, event.at, 'expired', []);
  const remindAt = reminderTime(tool, state, expiresAt);
  if (remindAt !== null && now >= remindAt) {
    const step = findStep(tool, state.currentStepId);
    if (step !== undefined) {
      const custom = tool.options.reminderMessage.trim() !== '';
      return {
        state: { ...state, reminderSentAt: event.at },
        effects: [
          {
            type: 'send_message',
            stepId: step.id,
            body: renderMergeFields(
              custom ? tool.options.reminderMessage : step.message,
              state.contact,
            ),
            mediaUrls: custom ? [] : [...step.mediaUrls],
            purpose: 'reminder',
          },
        ],
        outcome: { kind: 'reminded', stepId: step.id },
      };
    }
  }
  return ignored(state, 'nothing is due');
}

/** When the no-reply reminder is due (epoch ms), or null when none will be sent on this step. */
function reminderTime(
  tool: ToolDefinition,
  state: ConversationState,
  expiresAt: number,
): number | null {
  const before = tool.options.reminderMinutesBeforeExpiry;
  if (before === null || before >= tool.options.expiryMinutes) return null;
  // Once per step, and only while the contact has not answered it at all (a re-ask is an answer).
  if (state.status !== 'awaiting_reply' || state.reminderSentAt !== null || state.reasks > 0)
    return null;
  return expiresAt - before * MINUTE;
}

/**
 * When the runtime should next send a `tick` for this conversation (reminder or expiry), ISO 8601;
 * null for a final state.
 */
export function nextTickAt(tool: ToolDefinition, state: ConversationState): string | null {
  if (isFinal(state.status)) return null;
  const last = Date.parse(state.lastActivityAt);
  if (!Number.isFinite(last)) return null;
  const expiresAt = last + tool.options.expiryMinutes * MINUTE;
  const remindAt = reminderTime(tool, state, expiresAt);
  return new Date(remindAt ?? expiresAt).toISOString();
}

// ---- Helpers ----------------------------------------------------------------------------------

function sendStep(step: Step, contact: ContactSnapshot): Effect {
  return {
    type: 'send_message',
    stepId: step.id,
    body: renderMergeFields(step.message, contact),
    mediaUrls: step.mediaUrls.length === 0 ? [] : [...step.mediaUrls],
    purpose: 'step',
  };
}

function ignored(state: ConversationState, reason: string): Transition {
  return { state, effects: [], outcome: { kind: 'ignored', reason } };
}

function noConversation(reason: string): NoConversation {
  return { state: null, effects: [], outcome: { kind: 'ignored', reason } };
}
