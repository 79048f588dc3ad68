import type { TwilioMessagingService, TwilioPhoneNumber } from '../../api/api.types';
import type { PointedSender } from '../../api/use-twilio';

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

/**
 * After "Point it back": how many texts that went to the other webhook meanwhile were fetched back
 * from Twilio (the tools answer them now), or that they could not be; null when none went there.
 */
export function fetchedBackSentence(
  answer: Pick<PointedSender, 'fetchedBack' | 'fetchBackFailed'>,
): string | null {
  if (answer.fetchBackFailed)
    return 'The texts that went elsewhere meanwhile could not be fetched back from Twilio, so they will not be answered. Twilio’s messaging logs still have them.';
  if (answer.fetchedBack === 0) return null;
  return answer.fetchedBack === 1
    ? '1 text that went elsewhere meanwhile was fetched back.'
    : `${answer.fetchedBack.toLocaleString('en-US')} texts that went elsewhere meanwhile were fetched back.`;
}
