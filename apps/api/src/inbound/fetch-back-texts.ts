import type { SmsGateway } from '../ports/sms-gateway.port';
import { type InboundMessageService, inboundTextOf } from './inbound-message.service';

/**
 * Texts Twilio kept that never reached this app's webhook (refused for the signature, or sent to
 * another URL while a number pointed elsewhere) are not delivered again. This fetches back those
 * the numbers received since `since` and stores them as the webhook would have (once per
 * MessageSid: those that did get through are skipped), so the runtime answers them like any
 * text. Answers how many were stored now; throws when Twilio cannot list them (those stored
 * before the failure stay stored, and a retry skips them).
 */
export async function fetchBackTexts(
  gateway: SmsGateway,
  inbound: InboundMessageService,
  accountId: string,
  numbers: Iterable<string>,
  since: Date,
): Promise<number> {
  let stored = 0;
  for (const to of new Set(numbers)) {
    for (const text of await gateway.listReceived(to, since)) {
      if (await inbound.store(accountId, inboundTextOf(text))) stored += 1;
    }
  }
  return stored;
}
