import twilio from 'twilio';
import { TWILIO_CONNECTION_OVERRIDES, withoutFragment } from './twilio-webhook-urls';

/**
 * True when `signature` (the X-Twilio-Signature header) is Twilio's signature of this request.
 * `publicUrl` must be the full URL Twilio called, as configured (PUBLIC_URL + path and query),
 * never one rebuilt from the request's Host: behind a proxy that is the internal address and
 * every signature would fail.
 *
 * Twilio signs the URL it requests, which carries no fragment (the sandbox does so). Its docs do
 * not say whether the connection overrides it reads from the configured URL's fragment are signed
 * too, so the URL with the app's overrides is accepted as well: a fixed suffix of our own, it lets
 * no one sign who lacks the token.
 */
export function isValidTwilioSignature(
  authToken: string,
  publicUrl: string,
  params: Record<string, unknown>,
  signature: string | undefined,
): boolean {
  if (!signature || !authToken) return false;
  const requested = withoutFragment(publicUrl);
  return (
    twilio.validateRequest(authToken, signature, requested, params) ||
    twilio.validateRequest(
      authToken,
      signature,
      `${requested}#${TWILIO_CONNECTION_OVERRIDES}`,
      params,
    )
  );
}

/** The URL Twilio called: the configured public base URL joined with the request's path and query. */
export function publicRequestUrl(publicBaseUrl: string, originalUrl: string): string {
  return (
    publicBaseUrl.replace(/\/+$/, '') +
    (originalUrl.startsWith('/') ? originalUrl : `/${originalUrl}`)
  );
}
