import type { Sender } from './tool.schema';

/**
 * A sender's routing key: `phone:+1…` for a number, `service:MG…` for a messaging service. Inbound
 * texts, conversations, opt-outs and rate limits are keyed by it, so it is encoded and decoded here
 * alone.
 */
export type SenderKey = `phone:${string}` | `service:${string}`;

const PHONE = 'phone:';
const SERVICE = 'service:';

export function senderKey(sender: Sender): SenderKey {
  return sender.kind === 'phone_number'
    ? `${PHONE}${sender.phoneNumber}`
    : `${SERVICE}${sender.messagingServiceSid}`;
}

/** The key of the sender an inbound text reached: its messaging service when it names one. */
export function inboundSenderKey(to: string, messagingServiceSid?: string | null): SenderKey {
  return messagingServiceSid ? `${SERVICE}${messagingServiceSid}` : `${PHONE}${to}`;
}

/** The sender a key names, or null for a string that is not a sender key. */
export function parseSenderKey(key: string): Sender | null {
  if (key.startsWith(PHONE) && key.length > PHONE.length)
    return { kind: 'phone_number', phoneNumber: key.slice(PHONE.length) };
  if (key.startsWith(SERVICE) && key.length > SERVICE.length)
    return { kind: 'messaging_service', messagingServiceSid: key.slice(SERVICE.length) };
  return null;
}

/** A sender in words: "+14155550100" or "messaging service MG…". */
export function senderInWords(sender: Sender): string {
  return sender.kind === 'phone_number'
    ? sender.phoneNumber
    : `messaging service ${sender.messagingServiceSid}`;
}
