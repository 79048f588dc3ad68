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

export type { CountryCode };
