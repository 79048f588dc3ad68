import twilio from 'twilio';
import {
  InvalidNumberError,
  NotMobileError,
  PermanentSendError,
  RateLimitedError,
  RecipientUnsubscribedError,
  SmsGatewayError,
  TransientSendError,
} from '../sms/sms-gateway.port';
import { TwilioAuthError } from './twilio-auth.error';

/** Twilio error codes that mean "this is not a phone number we can text". */
const INVALID_NUMBER_CODES = new Set([21211, 21217, 21401, 21421]);

/**
 * Turns what the SDK throws into the gateway's domain errors: a RestException carries Twilio's
 * HTTP status and error code; anything else (no answer, timeout, reset) is a network failure.
 */
export function toGatewayError(err: unknown): SmsGatewayError {
  if (err instanceof SmsGatewayError) return err;
  if (err instanceof twilio.RestException) {
    const code = err.code;
    const message = err.message || `Twilio answered HTTP ${err.status}`;
    if (err.status === 401) return new TwilioAuthError(code);
    if (code !== undefined && INVALID_NUMBER_CODES.has(code))
      return new InvalidNumberError(message, code);
    if (code === 21614) return new NotMobileError(message, code);
    if (code === 21610) return new RecipientUnsubscribedError(message, code);
    if (err.status === 429 || code === 20429) return new RateLimitedError(message, code);
    if (err.status >= 500) return new TransientSendError(message, code);
    return new PermanentSendError(message, code);
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new TransientSendError(`Twilio could not be reached: ${detail}`);
}
