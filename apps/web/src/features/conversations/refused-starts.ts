import { parseSenderKey, senderInWords } from '@sms-seq/engine';
import type { RefusedStart } from '../../api/api.types';

export type RefusedTextStart = Extract<RefusedStart, { kind: 'text' }>;
export type RefusedHttpStart = Extract<RefusedStart, { kind: 'http_post' }>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The refused starts received in the 24 hours before `now` (the tools list's banner). */
export function refusedInLastDay(items: RefusedStart[], now: number = Date.now()): RefusedStart[] {
  return items.filter((item) => now - Date.parse(item.receivedAt) <= DAY_MS);
}

/** The sender a contact texted, in words: "+14155550100" or "messaging service MG…". */
export function describeTextedSender(key: string): string {
  const sender = parseSenderKey(key);
  return sender ? senderInWords(sender) : key;
}

const count = (n: number, one: string, many: string) => (n === 1 ? one : `${n} ${many}`);

/** How many of each kind, in words: "2 keyword texts and a Keap campaign start". */
function kindsInWords(items: RefusedStart[]): string {
  const texts = items.filter((i) => i.kind === 'text').length;
  const posts = items.length - texts;
  return [
    texts ? count(texts, 'a keyword text', 'keyword texts') : '',
    posts ? count(posts, 'a Keap campaign start', 'Keap campaign starts') : '',
  ]
    .filter(Boolean)
    .join(' and ');
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The tools list's banner title: "A keyword text started nothing in the last 24 hours". */
export function refusedBannerTitle(recent: RefusedStart[]): string {
  return `${capitalised(kindsInWords(recent))} started nothing in the last 24 hours`;
}

/** The Conversations card's title: "Texts that started nothing (2)", by the kinds it lists. */
export function refusedCardTitle(items: RefusedStart[]): string {
  const texts = items.some((i) => i.kind === 'text');
  const posts = items.some((i) => i.kind === 'http_post');
  const what =
    texts && posts ? 'Texts and Keap campaign starts' : posts ? 'Keap campaign starts' : 'Texts';
  return `${what} that started nothing (${items.length})`;
}

/** "at 10:02" today, "on Dec 1, 2026 at 10:02" another day (the browser's locale and time zone). */
export function whenInWords(
  iso: string,
  options: { now?: number; locale?: string; timeZone?: string } = {},
): string {
  const { now = Date.now(), locale, timeZone } = options;
  const day = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium' });
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' });
  const at = new Date(iso);
  const sameDay = day.format(at) === day.format(new Date(now));
  return sameDay ? `at ${time.format(at)}` : `on ${day.format(at)} at ${time.format(at)}`;
}

const AGAIN = 'then run the campaign again for this contact.';

/** Why it did not start and what to do, by the code Keap was answered with. */
function whyAndWhatToDo(item: RefusedHttpStart, keapConnected: boolean, tool: string): string {
  switch (item.code) {
    case 'account_disconnected':
      return keapConnected
        ? `not started because Keap was disconnected. Keap is connected again: run the campaign again for this contact.`
        : `not started because Keap is disconnected. Reconnect Keap, ${AGAIN}`;
    case 'tool_not_published':
      return `not started because ${tool} was not published. Publish it, ${AGAIN}`;
    case 'tool_disabled':
      return `not started because ${tool} was switched off. Switch it on, ${AGAIN}`;
    case 'unknown_step':
      return `not started because ${tool} has no step “${item.startStep ?? ''}”. Correct the step in the campaign’s HTTP Post URL (?step=), ${AGAIN}`;
    // The queued start's own sentence names the contact, the field and the number.
    case 'no_contact':
      return `not started: ${sentence(item.reason)} Check that the campaign posts ~Contact.Id~ as contactId; the contact may have been merged or deleted.`;
    case 'no_phone':
      return `not started: ${sentence(item.reason)} Add their mobile number to that field in Keap, ${AGAIN}`;
    case 'not_a_phone':
      return `not started: ${sentence(item.reason)} Correct the number in Keap, ${AGAIN}`;
    case 'in_conversation':
      return `not started: ${sentence(item.reason)} Once that conversation ends, ${AGAIN}`;
    case 'opted_out':
      return `not started: ${sentence(item.reason)} Nothing is sent to them until they text START.`;
    default:
      return `not started: ${sentence(item.reason)}`;
  }
}

/** The API's sentence, ending with its full stop once. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * A campaign's HTTP Post that started nothing, as a marketer reads it: "A Keap campaign tried to
 * start Pat (contact 123) on “Colour” at 10:02: not started because Keap is disconnected.
 * Reconnect Keap, then run the campaign again for this contact."
 */
export function describeRefusedHttpStart(
  item: RefusedHttpStart,
  options: { keapConnected: boolean; now?: number; locale?: string; timeZone?: string },
): string {
  const contact = item.contactName
    ? `${item.contactName} (contact ${item.contactId})`
    : `contact ${item.contactId}`;
  const tool = item.toolName ? `“${item.toolName}”` : 'the tool';
  const step = item.startStep && item.code !== 'unknown_step' ? ` at step “${item.startStep}”` : '';
  return `A Keap campaign tried to start ${contact} on ${tool}${step} ${whenInWords(item.receivedAt, options)}: ${whyAndWhatToDo(item, options.keapConnected, tool)}`;
}
