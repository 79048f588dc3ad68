import type {
  ContactSnapshot,
  ConversationEvent,
  ConversationState,
  ConversationStatus,
  Effect,
  Outcome,
} from './conversation.types';
import { advance } from './machine';
import type { ContactFieldKey, StepId, TagId, ToolDefinition } from './tool.schema';

/**
 * Runs a tool as a pretend contact, without sending anything: the API's simulator endpoint and the
 * console both call this, so what the simulator shows is what the machine does. The simulator
 * answers `resolve_contact` itself with the pretend contact.
 */

export type SimulationInput =
  /** A text from the pretend contact. */
  | string
  /** Let time pass (reminders, expiry). */
  | { waitMinutes: number }
  /** The contact texts STOP / Twilio reports an opt-out. */
  | { optOut: true };

export interface SimulationScript {
  /** How the conversation starts: by keyword (contact unknown) or HTTP Post (contact known). Default: keyword when the tool allows it. */
  start?: 'keyword' | 'http_post';
  /** HTTP Post start: the step to start with. */
  startStepId?: StepId | null;
  /** The pretend contact's phone, E.164. */
  phone?: string;
  /** The pretend contact: its id (default 1) and field values. */
  contact?: { id?: number; fields?: ContactSnapshot['fields']; timeZone?: string | null };
  inputs: readonly SimulationInput[];
  /** Time of the start (ISO 8601); each input comes one minute after the one before. */
  startAt?: string;
}

export interface SimulatedMessage {
  stepId: StepId | null;
  body: string;
  mediaUrls: string[];
  purpose: 'step' | 'reask' | 'reminder';
}

/** One thing the pretend contact did (start, a text, a wait) and everything that followed. */
export interface SimulationTurn {
  input:
    | { kind: 'start'; mode: 'keyword' | 'http_post' }
    | { kind: 'reply'; text: string }
    | { kind: 'wait'; minutes: number }
    | { kind: 'opt_out' };
  /** The step the contact was answering, if any. */
  stepId: StepId | null;
  outcomes: Outcome[];
  /** The condition that matched the reply, or 'fallback', or null when no decision was made. */
  matched: { conditionId: string; conditionIndex: number } | 'fallback' | null;
  messages: SimulatedMessage[];
  tags: { tagId: TagId; reason: string }[];
  /** Keap API goals achieved, in order after the tags of the same reason. */
  goals: { integration: string; callName: string; reason: string }[];
  fieldSaves: { field: ContactFieldKey; value: string }[];
  contactLookups: { email: string | null; phone: string }[];
  noteWritten: boolean;
  endedWith: ConversationStatus | null;
}

export interface SimulationResult {
  turns: SimulationTurn[];
  /** Final status; null when the tool could not start (see the first turn's outcome). */
  status: ConversationStatus | null;
  state: ConversationState | null;
}

const DEFAULT_PHONE = '+15555550100';
const DEFAULT_START = '2025-01-01T12:00:00.000Z';

export function simulate(tool: ToolDefinition, script: SimulationScript): SimulationResult {
  const phone = script.phone ?? DEFAULT_PHONE;
  const pretend: ContactSnapshot = {
    id: script.contact?.id ?? 1,
    fields: { ...(script.contact?.fields ?? {}) },
    timeZone: script.contact?.timeZone ?? null,
  };
  const mode = script.start ?? (tool.startMode === 'keyword_or_http' ? 'keyword' : 'http_post');
  let clock = Date.parse(script.startAt ?? DEFAULT_START);
  if (!Number.isFinite(clock)) clock = Date.parse(DEFAULT_START);
  const at = () => new Date(clock).toISOString();

  const turns: SimulationTurn[] = [];
  let state: ConversationState | null = null;

  const run = (input: SimulationTurn['input'], event: ConversationEvent) => {
    const turn = emptyTurn(input, state?.currentStepId ?? null);
    let pending: ConversationEvent | null = event;
    // A turn ends when the machine waits for the contact again; lookups are answered in-turn.
    while (pending !== null) {
      const transition = advance(tool, state, pending);
      pending = null;
      state = transition.state;
      record(turn, transition.outcome, transition.effects);
      for (const effect of transition.effects) {
        if (effect.type === 'resolve_contact') {
          const fields = { ...pretend.fields };
          if (effect.email !== null) fields.Email = effect.email;
          fields[effect.phoneField] = effect.phone;
          pending = { type: 'contact_resolved', at: at(), contact: { ...pretend, fields } };
        }
      }
    }
    turns.push(turn);
  };

  run(
    { kind: 'start', mode },
    mode === 'keyword'
      ? { type: 'start_keyword', at: at(), phone }
      : {
          type: 'start_http',
          at: at(),
          phone,
          contact: pretend,
          startStepId: script.startStepId ?? null,
        },
  );
  for (const input of script.inputs) {
    if (typeof input === 'string') {
      clock += 60_000;
      run({ kind: 'reply', text: input }, { type: 'reply', at: at(), text: input });
    } else if ('waitMinutes' in input) {
      clock += Math.max(0, input.waitMinutes) * 60_000;
      run({ kind: 'wait', minutes: input.waitMinutes }, { type: 'tick', at: at() });
    } else {
      clock += 60_000;
      run({ kind: 'opt_out' }, { type: 'opt_out', at: at() });
    }
  }
  const final = state as ConversationState | null;
  return { turns, status: final?.status ?? null, state: final };
}

function emptyTurn(input: SimulationTurn['input'], stepId: StepId | null): SimulationTurn {
  return {
    input,
    stepId: input.kind === 'start' ? null : stepId,
    outcomes: [],
    matched: null,
    messages: [],
    tags: [],
    goals: [],
    fieldSaves: [],
    contactLookups: [],
    noteWritten: false,
    endedWith: null,
  };
}

function record(turn: SimulationTurn, outcome: Outcome, effects: Effect[]): void {
  turn.outcomes.push(outcome);
  const decided =
    outcome.kind === 'contact_resolved' && outcome.then !== undefined ? outcome.then : outcome;
  if (decided.kind === 'matched') {
    turn.matched = { conditionId: decided.conditionId, conditionIndex: decided.conditionIndex };
  } else if (decided.kind === 'fallback') {
    turn.matched = 'fallback';
  }
  for (const effect of effects) {
    switch (effect.type) {
      case 'send_message':
        turn.messages.push({
          stepId: effect.stepId,
          body: effect.body,
          mediaUrls: effect.mediaUrls,
          purpose: effect.purpose,
        });
        break;
      case 'apply_tag':
        turn.tags.push({ tagId: effect.tagId, reason: effect.reason });
        break;
      case 'achieve_goal':
        turn.goals.push({ ...effect.goal, reason: effect.reason });
        break;
      case 'save_field':
        turn.fieldSaves.push({ field: effect.field, value: effect.value });
        break;
      case 'resolve_contact':
        turn.contactLookups.push({ email: effect.email, phone: effect.phone });
        break;
      case 'write_note':
        turn.noteWritten = true;
        break;
      case 'conversation_ended':
        turn.endedWith = effect.status;
        break;
    }
  }
}
