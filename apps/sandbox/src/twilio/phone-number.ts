import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { normalisePhone } from '@sms-seq/engine';

export interface ParsedPhone {
  e164: string;
  country: string;
  nationalFormat: string;
  callingCode: string;
}

/**
 * A `To`/`From` as Twilio reads it. Whether it is a valid number, and its E.164 form, is the
 * product's own normaliser's answer (packages/engine), so the sandbox and the product never
 * disagree; libphonenumber-js only describes the already-normalised number (country, national
 * format) for Lookup answers and webhook location fields.
 */
export function parsePhone(input: string): ParsedPhone | null {
  const e164 = normalisePhone(input);
  if (!e164) return null;
  const described = parsePhoneNumberFromString(e164);
  return {
    e164,
    country: described?.country ?? 'US',
    nationalFormat: described?.formatNational() ?? e164,
    callingCode: described?.countryCallingCode ?? '1',
  };
}
