import { parsePhoneNumberFromString } from 'libphonenumber-js';

/*
 * The one place the sandbox parses phone numbers. packages/engine is getting the product's shared
 * normaliser (src/phone.ts); when it is exported, replace this body with a call to it so the
 * sandbox and the product can never disagree about what a valid number is.
 */

export interface ParsedPhone {
  e164: string;
  country: string;
  nationalFormat: string;
  callingCode: string;
}

/** E.164 and country of a number as Twilio reads a `To`/`From` (national numbers default to US). */
export function parsePhone(input: string): ParsedPhone | null {
  const parsed = parsePhoneNumberFromString(input.trim(), 'US');
  if (!parsed || !parsed.isValid()) return null;
  return {
    e164: parsed.number,
    country: parsed.country ?? 'US',
    nationalFormat: parsed.formatNational(),
    callingCode: parsed.countryCallingCode,
  };
}
