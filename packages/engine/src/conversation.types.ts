import type { ApiGoal, ContactFieldKey, StepId, TagId } from './tool.schema';

/**
 * The conversation state machine's vocabulary. The machine is a pure function:
 *
 *   advance(tool, state, event) => { state, effects, outcome }
 *
 * Time comes in on every event (`at`, ISO 8601); the machine never reads a clock. The API stores
 * the new state and the effects in one transaction and carries the effects out from queues.
 */

/** What we know of the Keap contact, read once per conversation and kept with it. */
export interface ContactSnapshot {
  /** Keap contact id; null until the contact is found or created. */
  id: number | null;
  /** Field values by merge-field key (`FirstName`, `Email`, `_Custom`). Missing: unknown/empty. */
  fields: Partial<Record<ContactFieldKey, string | number | null>>;
  /** IANA time zone of the contact, when known (for send windows). */
  timeZone?: string | null;
}

export type ConversationStatus =
  /** Waiting for the contact's reply to `currentStepId`. */
  | 'awaiting_reply'
  /** Waiting for the runtime to find or create the contact (`contact_resolved`). */
  | 'awaiting_contact'
  | 'finished'
  | 'expired'
  | 'opted_out'
  | 'invalid_number'
  /** Ended by hand from the console, or the tool was switched off. */
  | 'ended';

export const FINAL_STATUSES: readonly ConversationStatus[] = [
  'finished',
  'expired',
  'opted_out',
  'invalid_number',
  'ended',
];

export interface ConversationState {
  status: ConversationStatus;
  /** E.164 phone number of the contact. */
  phone: string;
  contact: ContactSnapshot;
  /** The step whose reply we wait for (or will send once the contact is resolved). */
  currentStepId: StepId | null;
  /** How many times the current step has been asked again after an invalid reply. */
  reasks: number;
  startedAt: string;
  lastActivityAt: string;
  /** When the no-reply reminder for the current step was sent, if it was. */
  reminderSentAt: string | null;
  /** Set on the keyword start with email first: the email reply still has to find the contact. */
  pendingEmail: string | null;
  /**
   * Set while `awaiting_contact` after the email step was answered: that reply, whose "what
   * happens next" runs once the contact is resolved. Absent/null: the contact is resolved first and
   * `currentStepId` is sent then.
   */
  pendingReply?: string | null;
}

export type StartTrigger = 'keyword' | 'http_post';

export type ConversationEvent =
  /** An inbound text whose whole body is the tool's keyword. Contact unknown yet. */
  | { type: 'start_keyword'; at: string; phone: string }
  /** A campaign HTTP Post; the runtime already read the contact and its phone. */
  | {
      type: 'start_http';
      at: string;
      phone: string;
      contact: ContactSnapshot;
      /** Step to start with; the first step when absent. */
      startStepId?: StepId | null;
    }
  /** The contact replied. */
  | { type: 'reply'; at: string; text: string }
  /**
   * The runtime found or created the contact asked for by `resolve_contact`; `created`: it was
   * not in the CRM and was created now (absent: not known, e.g. the simulator).
   */
  | { type: 'contact_resolved'; at: string; contact: ContactSnapshot; created?: boolean }
  /** The number texted STOP (or another opt-out word), or Twilio reported an opt-out. */
  | { type: 'opt_out'; at: string }
  /** The number texted START; the opt-out record is the runtime's, a live conversation is unaffected. */
  | { type: 'opt_in'; at: string }
  /** A send failed for good: the number cannot receive texts from us. */
  | { type: 'send_failed'; at: string; reason: SendFailureReason }
  /** The clock moved on: expiry and reminders are decided here. */
  | { type: 'tick'; at: string }
  /** Ended by hand from the console. */
  | { type: 'end'; at: string };

/** Why a tag is applied or a goal achieved. */
export type EffectReason = 'condition' | 'fallback' | 'opt_out' | 'invalid_number';

export type SendFailureReason = 'invalid_number' | 'not_mobile' | 'unsubscribed';

export type Effect =
  | {
      type: 'send_message';
      stepId: StepId | null;
      /** The rendered text, merge fields filled in. */
      body: string;
      mediaUrls: string[];
      /** What the text is for: a step's message, a re-ask, or a reminder. */
      purpose: 'step' | 'reask' | 'reminder';
    }
  | { type: 'save_field'; field: ContactFieldKey; value: string }
  | {
      type: 'apply_tag';
      tagId: TagId;
      reason: EffectReason;
    }
  /** Achieve a Keap campaign's API goal for the contact; after the step's save, like a tag. */
  | { type: 'achieve_goal'; goal: ApiGoal; reason: EffectReason }
  /**
   * Find the contact (by email, or by phone when email is null) or create it, storing the phone
   * in `phoneField`; answer with a `contact_resolved` event. Never creates a duplicate.
   */
  | { type: 'resolve_contact'; email: string | null; phone: string; phoneField: ContactFieldKey }
  /** Append this conversation's transcript to the contact's note for this tool. */
  | { type: 'write_note' }
  /** The conversation reached a final status. */
  | { type: 'conversation_ended'; status: ConversationStatus };

/** Why the machine did what it did: for the simulator, analytics and the conversation history. */
export type Outcome =
  | { kind: 'started'; stepId: StepId | null }
  | {
      kind: 'matched';
      stepId: StepId;
      conditionId: string;
      conditionIndex: number;
      nextStepId: StepId | null;
    }
  | { kind: 'fallback'; stepId: StepId; nextStepId: StepId | null }
  | { kind: 'moved_on'; stepId: StepId; nextStepId: StepId | null }
  | { kind: 'reasked'; stepId: StepId; attempt: number }
  /**
   * The email step was answered (with an email, or re-asks ran out): the runtime now finds or
   * creates the contact; the step's "what happens next" follows on `contact_resolved`.
   */
  | { kind: 'resolving_contact'; stepId: StepId; email: string | null }
  /**
   * `then`: what followed in the same transition (the step sent, or the email step's branch);
   * `created`: as the event said (the contact was created, not found).
   */
  | { kind: 'contact_resolved'; contactId: number | null; created?: boolean; then?: Outcome }
  | { kind: 'reminded'; stepId: StepId }
  | { kind: 'ended'; status: ConversationStatus }
  /** The event does not apply in this state (e.g. a reply after the end); nothing happens. */
  | { kind: 'ignored'; reason: string };

export interface Transition {
  state: ConversationState;
  effects: Effect[];
  outcome: Outcome;
}

/** The answer to an event when there is no conversation and none was started: nothing to store. */
export interface NoConversation {
  state: null;
  effects: Effect[];
  outcome: Extract<Outcome, { kind: 'ignored' }>;
}
