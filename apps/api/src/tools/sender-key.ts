import type { Sender } from '@sms-seq/engine';

/** The routing key of a sender: inbound texts name the number they reached, or the service. */
export function senderKey(sender: Sender): string {
  return sender.kind === 'phone_number'
    ? `phone:${sender.phoneNumber}`
    : `service:${sender.messagingServiceSid}`;
}
