import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Keap fills `number_e164` when it can read the number; US is the default region of a Keap app. */
export function toE164(number: string): string | undefined {
  const parsed = parsePhoneNumberFromString(number, 'US');
  return parsed?.isValid() ? parsed.number : undefined;
}
