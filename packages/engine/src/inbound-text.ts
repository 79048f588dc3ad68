import { classifyKeyword, type KeywordClass } from './reply';

/**
 * What an inbound text's words are: Twilio's Advanced Opt-Out verdict (its `OptOutType`) when it
 * gave one, since the number's opt-out settings there may list words of their own; else the
 * standard words (STOP, START, HELP and the like).
 */
export function inboundKeywordClass(
  text: string,
  twilioOptOutType?: string | null,
): KeywordClass | null {
  if (twilioOptOutType === 'STOP') return 'opt_out';
  if (twilioOptOutType === 'START') return 'opt_in';
  return classifyKeyword(text);
}

/**
 * Whether an opt-in word (START, YES, UNSTOP) opts the number back in. YES is also an answer: to a
 * number in a conversation that never opted out it is a reply ("Do you like blue?" "Yes").
 */
export function optsBackIn(situation: { optedOut: boolean; inConversation: boolean }): boolean {
  return situation.optedOut || !situation.inConversation;
}
