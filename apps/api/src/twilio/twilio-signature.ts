import twilio from 'twilio';

/**
 * True when `signature` (the X-Twilio-Signature header) is Twilio's signature of this request.
 * `publicUrl` must be the full URL Twilio called, as configured (PUBLIC_URL + path and query),
 * never one rebuilt from the request's Host: behind a proxy that is the internal address and
 * every signature would fail.
 */
export function isValidTwilioSignature(
  authToken: string,
  publicUrl: string,
  params: Record<string, unknown>,
  signature: string | undefined,
): boolean {
  if (!signature || !authToken) return false;
  return twilio.validateRequest(authToken, signature, publicUrl, params);
}

/** The URL Twilio called: the configured public base URL joined with the request's path and query. */
export function publicRequestUrl(publicBaseUrl: string, originalUrl: string): string {
  return (
    publicBaseUrl.replace(/\/+$/, '') +
    (originalUrl.startsWith('/') ? originalUrl : `/${originalUrl}`)
  );
}
