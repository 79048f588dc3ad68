import http from 'node:http';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

// Every Twilio product host the SDK calls: api, messaging, lookups (and any regional variant).
const TWILIO_HOST = /^https:\/\/[a-z0-9.-]+\.twilio\.com(?=[/?]|$)/i;

/** How long a request waits for Twilio's answer when the client is given no timeout of its own. */
export const TWILIO_REQUEST_TIMEOUT_MS = 10_000;

/**
 * The SDK's own HTTP client, pointed at another base URL. With `apiBaseUrl` unset (production)
 * requests go to Twilio's hosts untouched; set to the sandbox's URL, the same code talks to the
 * sandbox. Paging links Twilio returns (absolute `*.twilio.com` URLs) are rewritten the same way.
 * Connections are kept alive between requests by an agent of the client's own, for Twilio's
 * https (the SDK's agent) as for a plain-http base URL (the sandbox), so the two behave alike.
 */
export class TwilioBaseUrlRequestClient extends twilio.RequestClient {
  private readonly apiBaseUrl: string | undefined;

  constructor(options: { apiBaseUrl?: string; timeoutMs?: number } = {}) {
    const timeout = options.timeoutMs ?? TWILIO_REQUEST_TIMEOUT_MS;
    super({ timeout, keepAlive: true });
    this.apiBaseUrl = effectiveApiBaseUrl(options.apiBaseUrl);
    if (this.apiBaseUrl?.startsWith('http:'))
      this.axios.defaults.httpAgent = new http.Agent({ keepAlive: true, timeout });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request({ ...opts, uri: rewriteTwilioUrl(opts.uri, this.apiBaseUrl) });
  }
}

/**
 * The base URL requests are sent to instead of Twilio's hosts, or undefined for Twilio itself.
 * Twilio's own origin (`https://api.twilio.com`, the configuration's default, with or without a
 * trailing slash, in any case) means Twilio itself: each call then keeps its product's host
 * (messaging.twilio.com, lookups.twilio.com) instead of being sent to api.twilio.com.
 */
export function effectiveApiBaseUrl(apiBaseUrl: string | undefined): string | undefined {
  const trimmed = apiBaseUrl?.trim().replace(/\/+$/, '');
  if (!trimmed) return undefined;
  const match = TWILIO_HOST.exec(trimmed);
  if (match && match[0].length === trimmed.length) return undefined;
  return trimmed;
}

export function rewriteTwilioUrl(uri: string, apiBaseUrl: string | undefined): string {
  return apiBaseUrl ? uri.replace(TWILIO_HOST, apiBaseUrl) : uri;
}
