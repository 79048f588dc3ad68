import type { z } from 'zod';
import { SCHEMA_REFUSALS } from './tool.schema';

type Issue = z.ZodError['issues'][number];
type Path = readonly (string | number)[];

const OWN_REFUSALS: ReadonlySet<string> = new Set(Object.values(SCHEMA_REFUSALS));

const TOOL_LABELS: Record<string, string> = {
  schemaVersion: 'The file’s format version',
  name: 'The tool name',
  startMode: 'How the sequence starts',
  sender: 'The sender',
  keyword: 'The keyword',
  phoneField: 'The phone field',
  collectEmailFirst: '“Collect email first”',
  steps: 'The list of messages',
  options: 'The options',
};

const OPTION_LABELS: Record<string, string> = {
  createNote: '“Create a note”',
  optOutTagId: 'The opt-out tag',
  invalidNumberTagId: 'The invalid-number tag',
  optOutGoal: 'The opt-out goal',
  invalidNumberGoal: 'The invalid-number goal',
  expiryMinutes: 'The hours before an unanswered conversation ends',
  reminderMinutesBeforeExpiry: 'The reminder’s minutes',
  reminderMessage: 'The reminder text',
  maxReasks: 'The times to ask again',
  sendWindow: 'Quiet hours',
};

/** A message's fields as the editor labels them (the editor calls a step "Message #n"). */
const STEP_LABELS: Record<string, (n: number) => string> = {
  name: (n) => `The name of message ${n}`,
  message: (n) => `The text of message ${n}`,
  mediaUrls: (n) => `The media of message ${n}`,
  saveTo: (n) => `The field message ${n} saves the response to`,
  validation: (n) => `The reply check of message ${n}`,
  reaskMessage: (n) => `The “Ask again with” text of message ${n}`,
  next: (n) => `What happens after message ${n}`,
};

/**
 * The field a path into a tool is about, as the editor labels it ("The text of message 2"), so
 * that a problem never shows a path such as `steps.1.message`.
 */
export function describeToolPath(path: Path): string {
  if (path.length === 0) return 'The tool';
  const [first, second, third, fourth, fifth] = path;
  if (first === 'options') {
    if (second === 'sendWindow' && third === 'start') return 'The quiet hours’ “Send from” time';
    if (second === 'sendWindow' && third === 'end') return 'The quiet hours’ “Send until” time';
    if (second === 'sendWindow' && third === 'defaultTimeZone') return 'The quiet hours’ time zone';
    return (typeof second === 'string' ? OPTION_LABELS[second] : undefined) ?? 'An option';
  }
  if (first === 'steps' && typeof second === 'number') {
    const n = second + 1;
    if (third === 'next' && fourth === 'conditions' && typeof fifth === 'number') {
      const condition = `condition ${fifth + 1} of message ${n}`;
      const rest = path.slice(5);
      if (rest.includes('field')) return `The contact field of ${condition}`;
      if (rest.includes('values')) return `The words of ${condition}`;
      if (rest.includes('value')) return `The value of ${condition}`;
      if (rest.includes('tagId')) return `The tag of ${condition}`;
      if (rest.includes('goal')) return `The goal of ${condition}`;
      if (rest.includes('nextStepId')) return `The message ${condition} sends`;
      return `Condition ${fifth + 1} of message ${n}`;
    }
    if (third === 'next' && fourth === 'fallbackTagId') return `The fallback tag of message ${n}`;
    if (third === 'next' && fourth === 'fallbackGoal') return `The fallback goal of message ${n}`;
    if (third === 'next' && fourth === 'fallbackStepId')
      return `The message sent when no condition of message ${n} matches`;
    const label = typeof third === 'string' ? STEP_LABELS[third] : undefined;
    return label ? label(n) : `Message ${n}`;
  }
  return (typeof first === 'string' ? TOOL_LABELS[first] : undefined) ?? 'A setting of the tool';
}

/**
 * A schema issue as a sentence a marketer can act on: the field as the editor names it, then what
 * is wrong with it. Zod's own words ("Too big: expected string to have <=120 characters") are for
 * programmers, so only the schema's own refusals are kept as they are.
 */
export function schemaIssueSentence(issue: Issue, path: Path): string {
  const field = describeToolPath(path);
  if (OWN_REFUSALS.has(issue.message)) return `${field} ${issue.message}`;
  // Modal verbs fit a label in the singular or the plural ("The words of condition 2 …").
  switch (issue.code) {
    case 'too_big':
      if (issue.origin === 'string')
        return `${field} can be at most ${issue.maximum} characters long. Shorten it.`;
      if (issue.origin === 'array') return `${field} can have at most ${issue.maximum} entries.`;
      return `${field} can be at most ${issue.maximum}.`;
    case 'too_small':
      if (issue.origin === 'string') return `${field} cannot be empty. Fill it in.`;
      if (issue.origin === 'array') return `${field} must have at least ${issue.minimum}.`;
      return `${field} must be at least ${issue.minimum}.`;
    case 'invalid_type':
      if (issue.expected === 'int') return `${field} must be a whole number.`;
      if (issue.expected === 'number') return `${field} must be a number.`;
      if (issue.expected === 'string') return `${field} must be text.`;
      if (issue.expected === 'boolean') return `${field} must be switched on or off.`;
      return `${field} cannot be read. Set it again in the editor.`;
    case 'invalid_value':
    case 'invalid_union':
      return `${field} must be one of the choices. Pick one in the editor.`;
    default:
      return `${field} cannot be used as it is. Change it in the editor.`;
  }
}
