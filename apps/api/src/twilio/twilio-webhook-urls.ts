/** Where Twilio's webhooks are mounted (outside the `/api` prefix: Twilio is no console client). */
export const TWILIO_WEBHOOK_MOUNT = '/hooks/twilio';

/**
 * Twilio's connection overrides, a URL fragment Twilio reads and never sends: an inbound text
 * whose delivery fails with a 5xx, a refused connection or a read timeout is delivered again, up
 * to 5 times (Twilio's maximum) within its 15 s budget. Not 4xx: a refused signature stays refused.
 */
export const TWILIO_CONNECTION_OVERRIDES = 'rc=5&rp=5xx,ct,rt';

/** The URLs the app gives Twilio: inbound texts, their fallback, and delivery reports. */
export interface TwilioWebhookUrls {
  smsUrl: string;
  /** Where Twilio posts a text when every try at smsUrl failed: the same handler, tried again. */
  smsFallbackUrl: string;
  statusCallbackUrl: string;
}

export function twilioWebhookUrls(publicUrl: string): TwilioWebhookUrls {
  const base = publicUrl.replace(/\/+$/, '');
  const smsUrl = `${base}${TWILIO_WEBHOOK_MOUNT}/sms#${TWILIO_CONNECTION_OVERRIDES}`;
  return {
    smsUrl,
    smsFallbackUrl: smsUrl,
    statusCallbackUrl: `${base}${TWILIO_WEBHOOK_MOUNT}/status`,
  };
}

/** The URL as Twilio requests it: a fragment is Twilio's settings, never part of the request. */
export function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/**
 * Whether a sender's inbound URL reaches the app's SMS handler: the same URL, with or without
 * connection overrides (a sender pointed here before they were added still comes here).
 */
export function reachesSmsHandler(url: string | null, smsUrl: string): boolean {
  return url !== null && withoutFragment(url) === withoutFragment(smsUrl);
}
