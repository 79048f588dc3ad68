import type { ConversationMessage } from '../../api/api.types';

/** Why a text was held back (a suppressed text's errorCode), in the marketer's words. */
const NOT_SENT_BECAUSE: Record<string, string> = {
  opted_out: 'the contact opted out',
  invalid_number: 'the number cannot receive texts',
  conversation_ended: 'the conversation was ended by hand',
  conversation_expired: 'the conversation expired before it could go out',
};

/**
 * What the transcript says after a message's time: an outbound text's status and Twilio's error
 * code when it failed; a text that was never sent, and why, instead of a code.
 */
export function messageOutcome(
  message: Pick<ConversationMessage, 'direction' | 'status' | 'errorCode'>,
): string | null {
  if (message.status === 'suppressed') {
    const why = message.errorCode ? NOT_SENT_BECAUSE[message.errorCode] : undefined;
    return why ? `Not sent: ${why}` : 'Not sent';
  }
  const parts = [
    message.direction === 'out' ? message.status : null,
    message.errorCode ? `error ${message.errorCode}` : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(' · ') : null;
}
