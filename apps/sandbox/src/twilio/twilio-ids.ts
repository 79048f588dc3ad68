import { randomBytes } from 'node:crypto';

/** Twilio resource ids: a two-letter type prefix and 32 hex digits (SM message, PN number, MG service...). */
export function newSid(prefix: 'SM' | 'MM' | 'PN' | 'MG' | 'AC' | 'SK' | 'PA'): string {
  return prefix + randomBytes(16).toString('hex');
}

/** Twilio's 2010 API writes dates as RFC 2822 with a numeric zone. */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}
