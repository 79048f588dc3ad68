import type { TwilioMessagingService, TwilioPhoneNumber } from '../../api/api.types';

/** A number or a messaging service, as the senders list shows where its texts go. */
export type SenderKind = 'number' | 'service';
type SenderTexts = Pick<TwilioPhoneNumber | TwilioMessagingService, 'usedBy'>;

/** 'Colour'; 'Colour' and 'Deal'; 'Colour', 'Deal' and 'Quiz'. */
export function quotedToolNames(tools: SenderTexts['usedBy']): string {
  const names = tools.map((t) => `'${t.name}'`);
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Why a sender a published tool uses needs pointing back, in the marketer's words: the texts
 * (keywords and replies) go to another webhook, so the tools never hear them.
 */
export function lostTextsSentence(kind: SenderKind, sender: SenderTexts): string {
  const where =
    kind === 'number' ? 'Texts to this number' : 'Texts to this messaging service’s numbers';
  const who = quotedToolNames(sender.usedBy);
  const their = sender.usedBy.length === 1 ? 'its' : 'their';
  return `${where} go elsewhere, so ${who} cannot hear ${their} contacts.`;
}
