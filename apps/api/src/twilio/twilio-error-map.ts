import twilio from 'twilio';
import {
  InvalidNumberError,
  NotMobileError,
  PermanentSendError,
  RateLimitedError,
  RecipientUnsubscribedError,
  SendOutcomeUnknownError,
  SmsGatewayError,
  TransientSendError,
} from '../ports/sms-gateway.port';
import { TwilioAuthError } from './twilio-auth.error';

/** Twilio error codes that mean "this is not a phone number we can text". */
const INVALID_NUMBER_CODES = new Set([21211, 21217, 21401, 21421]);

/**
 * Network failures before a request can have been written: no connection (refused, no route, no
 * such host) or a TLS handshake that failed. Twilio never saw these requests.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Turns what the SDK throws into the gateway's domain errors: a RestException carries Twilio's
 * HTTP status and error code; anything else is a network failure. An answer from Twilio (an error
 * code in its body) means it did not take the message; no answer at all after the request went
 * out (timeout, reset), or a proxy's 502/504 without Twilio's body, means it may have: unknown.
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
    if ((err.status === 502 || err.status === 504) && code === undefined)
      return new SendOutcomeUnknownError(`${message} (a gateway answered, not Twilio)`);
    if (err.status >= 500) return new TransientSendError(message, code);
    return new PermanentSendError(message, code);
  }
  const detail = err instanceof Error ? err.message : String(err);
  if (NOT_SENT_CODES.has(networkCodeOf(err) ?? ''))
    return new TransientSendError(`Twilio could not be reached: ${detail}`);
  return new SendOutcomeUnknownError(`Twilio did not answer: ${detail}`);
}

/** The system error code of a network failure (axios copies it, Node sets it on the cause). */
function networkCodeOf(err: unknown): string | undefined {
  const codeOf = (e: unknown) =>
    e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string'
      ? (e as { code: string }).code
      : undefined;
  return codeOf(err) ?? codeOf(err && typeof err === 'object' ? (err as Error).cause : undefined);
}
