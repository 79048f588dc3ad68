import type { TwilioConnection, TwilioConnectionStatus } from './twilio-connection.entity';

/** For the console: Twilio signs the inbound webhooks with a token other than the saved one. */
export const INBOUND_REFUSED_REASON =
  "Twilio signs incoming texts with a different Auth Token than the one saved here — you may have rotated it in Twilio's console. Save the new token so incoming texts are accepted again.";

/**
 * The connection's health as the console shows it: 'rejected' when Twilio refused the saved
 * credentials on a call the app made, or when Twilio's webhooks no longer verify with the saved
 * Auth Token (incoming texts refused); the reason says which, or both.
 */
export function connectionHealth(
  c: Pick<TwilioConnection, 'status' | 'statusReason' | 'inboundRefusedSince'>,
): { status: TwilioConnectionStatus; statusReason: string | null } {
  const reasons = [
    c.status === 'rejected' ? c.statusReason : null,
    c.inboundRefusedSince ? INBOUND_REFUSED_REASON : null,
  ].filter((r): r is string => !!r);
  return c.status === 'rejected' || c.inboundRefusedSince
    ? { status: 'rejected', statusReason: reasons.join(' ') || null }
    : { status: 'connected', statusReason: null };
}
