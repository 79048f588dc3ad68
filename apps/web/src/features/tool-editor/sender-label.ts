import type { Sender } from '@sms-seq/engine';

export function describeSender(sender: Sender | null | undefined): string {
  if (!sender) return 'Not chosen';
  return sender.kind === 'phone_number'
    ? sender.phoneNumber
    : `Messaging service ${sender.messagingServiceSid}`;
}

/** Senders travel through one <select> as "kind:value". */
export function senderToOption(sender: Sender | null): string {
  if (!sender) return '';
  return sender.kind === 'phone_number'
    ? `phone_number:${sender.phoneNumber}`
    : `messaging_service:${sender.messagingServiceSid}`;
}

export function optionToSender(option: string): Sender | null {
  const split = option.indexOf(':');
  if (split < 0) return null;
  const kind = option.slice(0, split);
  const value = option.slice(split + 1);
  if (kind === 'phone_number') return { kind, phoneNumber: value };
  if (kind === 'messaging_service') return { kind, messagingServiceSid: value };
  return null;
}
