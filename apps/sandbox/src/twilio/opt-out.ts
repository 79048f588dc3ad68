/** Twilio's standard opt-out handling: which words it reads and what it answers. */
export type OptOutType = 'STOP' | 'START' | 'HELP';

const WORDS: Record<string, OptOutType> = {
  STOP: 'STOP',
  STOPALL: 'STOP',
  UNSUBSCRIBE: 'STOP',
  CANCEL: 'STOP',
  END: 'STOP',
  QUIT: 'STOP',
  OPTOUT: 'STOP',
  REVOKE: 'STOP',
  START: 'START',
  YES: 'START',
  UNSTOP: 'START',
  HELP: 'HELP',
  INFO: 'HELP',
};

/** Twilio matches the whole message, trimmed and in any case. */
export function optOutWordOf(body: string): OptOutType | null {
  return WORDS[body.trim().toUpperCase()] ?? null;
}

/** Twilio's default confirmation texts. */
export function optOutReply(type: OptOutType): string {
  switch (type) {
    case 'STOP':
      return 'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.';
    case 'START':
      return 'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.';
    case 'HELP':
      return 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.';
  }
}
