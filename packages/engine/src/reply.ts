/**
 * Reading what a contact texted back: numbers, email addresses and the standard keywords.
 *
 * Numbers are read leniently but never guessed: the whole reply must be one number, optionally
 * with a sign, a currency symbol, thousands commas, a decimal point, a trailing `%` or a trailing
 * full stop ("$1,200", " 7 ", "3.5", "-2", "-$2", "50%", "7."). Not numbers: words ("seven"),
 * numbers inside sentences ("about 7"), suffixes ("1.5k": is it 1.5 or 1,500? a marketer who asks
 * for a budget would rather not guess), decimal commas ("3,5": reads as neither 3.5 nor 35).
 *
 * Emails: a reply is accepted as an email when it contains exactly one email address, so
 * "my email is Jo@Example.com" gives "Jo@example.com" (the domain is lower-cased, the local part is
 * kept as typed); two different addresses are ambiguous and rejected.
 */

const NUMBER_PATTERN =
  /^([+-]?)\s*[$€£¥]?\s*([+-]?)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)\s*%?\.?$/;

export function readNumber(text: string): number | null {
  if (typeof text !== 'string') return null;
  const match = NUMBER_PATTERN.exec(text.trim());
  if (match === null) return null;
  const [, signBefore = '', signAfter = '', digits = ''] = match;
  if (signBefore !== '' && signAfter !== '') return null;
  const value = Number(digits.replace(/,/g, ''));
  if (!Number.isFinite(value)) return null;
  return signBefore === '-' || signAfter === '-' ? -value : value;
}

const EMAIL_PATTERN =
  /[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-])/g;

export function readEmail(text: string): string | null {
  if (typeof text !== 'string' || !text.includes('@')) return null;
  const found = new Set<string>();
  let first: string | null = null;
  for (const match of text.matchAll(EMAIL_PATTERN)) {
    const email = normaliseEmail(match[0]);
    if (first === null) first = email;
    found.add(email.toLowerCase());
  }
  return found.size === 1 ? first : null;
}

/** The whole text (trimmed) is one email address, nothing else. */
export function isEmail(text: string): boolean {
  if (typeof text !== 'string') return false;
  const trimmed = text.trim();
  const email = readEmail(trimmed);
  return email !== null && email.toLowerCase() === trimmed.toLowerCase();
}

function normaliseEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return email.slice(0, at) + '@' + email.slice(at + 1).toLowerCase();
}

/** Keywords are matched trimmed, with inner spaces collapsed, in any case. */
export function normaliseKeyword(text: string): string {
  if (typeof text !== 'string') return '';
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase();
}

export function matchesKeyword(text: string, keyword: string | null): boolean {
  if (keyword === null) return false;
  const wanted = normaliseKeyword(keyword);
  return wanted !== '' && normaliseKeyword(text) === wanted;
}

/** The carrier/Twilio standard words: they stop, restart or explain texting, never start a tool. */
export const OPT_OUT_KEYWORDS: readonly string[] = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'REVOKE',
];
export const OPT_IN_KEYWORDS: readonly string[] = ['START', 'YES', 'UNSTOP'];
export const HELP_KEYWORDS: readonly string[] = ['HELP', 'INFO'];
export const RESERVED_KEYWORDS: readonly string[] = [
  ...OPT_OUT_KEYWORDS,
  ...OPT_IN_KEYWORDS,
  ...HELP_KEYWORDS,
];

export type KeywordClass = 'opt_out' | 'opt_in' | 'help';

/** Longer than any reserved word (with room for odd spacing): skip normalising (every reply asks). */
const LONGEST_RESERVED = 16;

/** Punctuation, symbols and emoji before or after a word ("Stop!", "“STOP”", "stop 🛑"). */
const EDGE_RUN = String.raw`(?:[\p{P}\p{S}\p{Extended_Pictographic}\s]|\u200d|\ufe0f)+`;
const AROUND_WORD = new RegExp(`^${EDGE_RUN}|${EDGE_RUN}$`, 'gu');

/**
 * The standard keyword a text is, if any. An opt-out word is one with punctuation or emoji around
 * it too ("Stop!", "STOP."): a person who writes it wants no more texts, and honouring it is the
 * safe side even where Twilio's exact-word filter lets it pass. START and HELP stay exact, as
 * Twilio reads them: "Yes!" is a reply, and "Help!" is not answered by Twilio, so it is one too.
 */
export function classifyKeyword(text: string): KeywordClass | null {
  if (typeof text !== 'string' || text.trim().length > LONGEST_RESERVED) return null;
  const word = normaliseKeyword(text);
  if (OPT_OUT_KEYWORDS.includes(word)) return 'opt_out';
  if (OPT_IN_KEYWORDS.includes(word)) return 'opt_in';
  if (HELP_KEYWORDS.includes(word)) return 'help';
  if (OPT_OUT_KEYWORDS.includes(normaliseKeyword(text.replace(AROUND_WORD, '')))) return 'opt_out';
  return null;
}

export function isReservedKeyword(text: string): boolean {
  return classifyKeyword(text) !== null;
}
