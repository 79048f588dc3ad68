import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Phones are stored and compared in E.164 (`+14155550123`). Contacts type numbers every which way
 * ("(415) 555-0123", "415.555.0123", "+44 20 7946 0958"); numbers without a country code are read
 * in the account's default country, the US unless told otherwise.
 */

export const DEFAULT_PHONE_COUNTRY: CountryCode = 'US';

/** E.164 form of `raw`, or null when it cannot be parsed or is not a valid number. */
export function normalisePhone(
  raw: string | null | undefined,
  defaultCountry: CountryCode = DEFAULT_PHONE_COUNTRY,
): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const parsed = parsePhoneNumberFromString(raw, { defaultCountry });
  if (parsed === undefined || !parsed.isValid()) return null;
  return parsed.number;
}

/**
 * A stored phone as people write it: national in the default country ("(720) 555-7707"),
 * international elsewhere ("+44 20 7946 0958"); as stored when it cannot be read.
 */
export function formatPhone(
  e164: string,
  defaultCountry: CountryCode = DEFAULT_PHONE_COUNTRY,
): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed === undefined) return e164;
  return parsed.country === defaultCountry ? parsed.formatNational() : parsed.formatInternational();
}

export type { CountryCode };
