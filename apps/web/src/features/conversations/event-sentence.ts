import { describeCondition, STANDARD_CONTACT_FIELDS, type ToolDefinition } from '@sms-seq/engine';

/** One row of a conversation's "What happened" (the API's ConversationDetail.events). */
export interface ConversationEventRow {
  type: string;
  detail: Record<string, unknown>;
}

/** What the transcript knows to put names on ids: the tool's steps, the tags, the fields. */
export interface EventContext {
  /** The tool's steps (its draft: a conversation's version has the same step ids unless renamed). */
  tool?: Pick<ToolDefinition, 'steps'> | null;
  tags?: readonly { id: number; name: string }[];
  fields?: readonly { key: string; label: string }[];
}

const ENDINGS: Record<string, string> = {
  finished: 'The sequence finished.',
  expired: 'The conversation expired: the contact did not reply in time.',
  opted_out: 'The contact opted out (texted STOP), so the conversation ended.',
  invalid_number: 'The number cannot receive texts, so the conversation ended.',
  ended: 'The conversation was ended by hand, or the tool was switched off.',
};

const TAG_BECAUSE: Record<string, string> = {
  condition: 'the reply matched a condition',
  fallback: 'the reply matched no condition',
  opt_out: 'the contact opted out',
  invalid_number: 'the number cannot receive texts',
};

const SEND_FAILED_BECAUSE: Record<string, string> = {
  invalid_number: 'the number is not a valid phone number',
  not_mobile: 'the number is not a mobile number (a landline, or a carrier that cannot take texts)',
  unsubscribed: 'the contact has unsubscribed from texts (STOP) with Twilio',
  unreachable: 'the phone was switched off or out of coverage',
  filtered: 'the carrier filtered it out',
  rate_limited: 'too many texts were sent at once',
  permanent: 'Twilio refused it',
};

const KEAP_WORK: Record<string, string> = {
  apply_tag: 'apply a tag',
  achieve_goal: 'achieve an API goal',
  save_field: 'save a field',
  write_note: 'write the note',
  resolve_contact: 'find or create the contact',
};

const IGNORED_BECAUSE: Record<string, string> = {
  'this number is already in a conversation of this tool':
    'this number is already in a conversation of this tool',
  'HELP/INFO is answered by Twilio on the number, not taken as a reply':
    'HELP or INFO is answered by Twilio with the number’s help text, not taken as a reply',
  'no contact was being looked up': 'no contact was being looked up',
  'nothing is due': 'nothing was due',
};

/**
 * Each event of a conversation as the sentence a marketer reads: step, tag and field names
 * instead of ids, the matched condition in words, a reason instead of a code. An ending the
 * runtime records twice (the machine's outcome and its effect) is told once.
 */
export function describeEvents<E extends ConversationEventRow>(
  events: readonly E[],
  context: EventContext = {},
): { event: E; sentence: string }[] {
  const sentences: { event: E; sentence: string }[] = [];
  // A start whose first text waits for the Keap contact (no email asked first): the text goes
  // out with the look-up's answer, which is where the transcript says it was sent.
  const firstTextAfterLookup = events.some(
    (event) => event.type === 'contact_resolved' && thenKind(event.detail) === 'started',
  );
  events.forEach((event, index) => {
    const next = events[index + 1];
    if (
      event.type === 'ended' &&
      next?.type === 'conversation_ended' &&
      next.detail['status'] === event.detail['status']
    )
      return;
    const sentence =
      event.type === 'started' && firstTextAfterLookup
        ? 'The sequence started; its first text waits for the Keap contact.'
        : describeEvent(event, context);
    sentences.push({ event, sentence });
  });
  return sentences;
}

export function describeEvent(event: ConversationEventRow, context: EventContext = {}): string {
  const detail = event.detail ?? {};
  const text = (key: string) => {
    const value = detail[key];
    return typeof value === 'string' && value ? value : null;
  };
  const number = (key: string) => {
    const value = detail[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  };
  const step = (id: string | null) => stepName(context, id);
  const then = (nextStepId: string | null) =>
    nextStepId ? `then sent ${step(nextStepId)}` : 'and the sequence finished';

  switch (event.type) {
    case 'started': {
      const first = text('stepId');
      return first ? `The sequence started and sent ${step(first)}.` : 'The sequence started.';
    }
    case 'matched': {
      const at = text('stepId');
      const index = number('conditionIndex');
      const condition = conditionOf(context, at, index, text('conditionId'));
      const which = index === null ? 'a condition' : `condition ${index + 1}`;
      const words = condition
        ? ` (${describeCondition(condition, { fieldLabel: (key) => fieldLabel(context, key) })})`
        : '';
      return `The reply to ${step(at)} matched ${which}${words}, ${then(text('nextStepId'))}.`;
    }
    case 'fallback':
      return `The reply to ${step(text('stepId'))} matched no condition, so the fallback applied, ${then(text('nextStepId'))}.`;
    case 'moved_on':
      return `The contact replied to ${step(text('stepId'))}, ${then(text('nextStepId'))}.`;
    case 'reasked': {
      const attempt = number('attempt');
      return `The reply to ${step(text('stepId'))} was not what it asks for, so it was asked again${attempt ? ` (time ${attempt})` : ''}.`;
    }
    case 'reminded':
      return `No reply yet to ${step(text('stepId'))}: a reminder was sent.`;
    case 'resolving_contact': {
      const email = text('email');
      return email
        ? `Looking up the Keap contact with the email address ${email}.`
        : 'Looking up the Keap contact by phone number (no email address was given).';
    }
    case 'contact_resolved': {
      const id = number('contactId');
      // Events recorded before `created` was kept say "Found", as they always did.
      const found =
        id === null
          ? 'No Keap contact could be found or created.'
          : detail['created'] === true
            ? `Created the Keap contact #${id}.`
            : `Found the Keap contact #${id}.`;
      const inner = detail['then'];
      if (typeof inner !== 'object' || inner === null || !('kind' in inner)) return found;
      const outcome = inner as Record<string, unknown>;
      if (outcome['kind'] === 'started' && typeof outcome['stepId'] === 'string')
        return `${found} Sent ${step(outcome['stepId'])}.`;
      return `${found} ${describeEvent(outcomeAsEvent(outcome), context)}`;
    }
    case 'ended':
    case 'conversation_ended':
      return ENDINGS[text('status') ?? ''] ?? 'The conversation ended.';
    case 'opted_out':
    case 'opt_out':
      return ENDINGS['opted_out']!;
    case 'expired':
      return ENDINGS['expired']!;
    case 'tag_applied': {
      const because = TAG_BECAUSE[text('reason') ?? ''];
      return `Applied the tag ${tagName(context, number('tagId'))} in Keap${because ? ` because ${because}` : ''}.`;
    }
    case 'goal_achieved': {
      const because = TAG_BECAUSE[text('reason') ?? ''];
      const goal = `${text('integration') ?? ''}.${text('callName') ?? ''}`;
      return `Achieved the API goal ${goal} in Keap${because ? ` because ${because}` : ''}.`;
    }
    case 'field_saved': {
      const value = detail['value'];
      const shown =
        typeof value === 'string' || typeof value === 'number' ? `“${String(value)}”` : 'the reply';
      const field = text('field');
      return `Saved ${shown} to the contact’s ${field ? fieldLabel(context, field) : 'field'} in Keap.`;
    }
    case 'note_written':
      return text('action') === 'appended'
        ? 'Added this conversation to the contact’s note in Keap.'
        : 'Wrote this conversation into a note on the Keap contact.';
    case 'note_held':
      return 'The contact is in this tool again: this conversation’s note waits for that one to end, so that both go into the Keap note together.';
    case 'keap_work_stopped': {
      const work = KEAP_WORK[text('work') ?? ''] ?? 'do its Keap work';
      const reason = text('reason');
      return `Could not ${work} in Keap${reason ? `: ${sentenceEnd(reason)}` : '.'}`;
    }
    case 'send_failed': {
      const because = SEND_FAILED_BECAUSE[text('reason') ?? ''];
      const code = number('providerCode');
      return `A text could not be sent${code === null ? '' : ` (error ${code})`}${because ? `: ${because}` : ''}.`;
    }
    case 'ignored': {
      const reason = text('reason');
      const because = reason ? (IGNORED_BECAUSE[reason] ?? reason) : null;
      return `Nothing happened${because ? `: ${sentenceEnd(because)}` : '.'}`;
    }
    default:
      return `${capitalized(event.type.replace(/[_-]+/g, ' ').trim() || 'something happened')}.`;
  }
}

function thenKind(detail: Record<string, unknown> | undefined): unknown {
  const then = detail?.['then'];
  return typeof then === 'object' && then !== null
    ? (then as Record<string, unknown>)['kind']
    : null;
}

/** `contact_resolved.then` holds an outcome (`kind`, …), told like an event of that type. */
function outcomeAsEvent(outcome: Record<string, unknown>): ConversationEventRow {
  const { kind, ...rest } = outcome;
  return { type: typeof kind === 'string' ? kind : 'unknown', detail: rest };
}

function stepName(context: EventContext, id: string | null): string {
  if (!id || !context.tool) return 'a step';
  const steps = context.tool?.steps ?? [];
  const index = steps.findIndex((step) => step.id === id);
  if (index < 0) return 'a step that is no longer in the tool';
  const name = steps[index]?.name.trim();
  return `“${name || `Message #${index + 1}`}”`;
}

function conditionOf(
  context: EventContext,
  stepId: string | null,
  index: number | null,
  conditionId: string | null,
) {
  const next = context.tool?.steps.find((step) => step.id === stepId)?.next;
  if (next?.kind !== 'decide') return null;
  const byId = next.conditions.find((condition) => condition.id === conditionId);
  return byId ?? (index === null ? null : (next.conditions[index] ?? null));
}

function tagName(context: EventContext, id: number | null): string {
  const tag = context.tags?.find((entry) => entry.id === id);
  if (tag) return `“${tag.name}”`;
  return id === null ? 'a tag' : `#${id}`;
}

function fieldLabel(context: EventContext, key: string): string {
  return (
    context.fields?.find((field) => field.key === key)?.label ??
    STANDARD_CONTACT_FIELDS.find((field) => field.key === key)?.label ??
    key.replace(/^_/, '')
  );
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sentenceEnd(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}
