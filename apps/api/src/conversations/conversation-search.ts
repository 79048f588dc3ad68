/**
 * How the conversation list reads its free-text search (`q`). Phones are stored in E.164
 * (`+17205557707`) but people type them as they see them: "(720) 555-7707", "720.555.7707",
 * "+1 720 555 7707", "555-7707". A search made only of digits and phone punctuation is a phone
 * search on those digits; anything else is read as a name (first and/or last, in any order).
 */
export interface ConversationSearch {
  /** The search as typed (trimmed): matched as before against the phone, the contact id, texts. */
  text: string;
  /** The digits of a phone-shaped search, matched inside the stored phone's digits; else null. */
  phoneDigits: string | null;
  /** The words of a name search, each matched (any case) in the contact's first or last name. */
  nameWords: string[];
}

// Digits with the punctuation phone numbers are written with: spaces, dashes, dots, brackets, `+`.
const PHONE_SHAPED = /^[\d\s().+-]+$/;

export function readConversationSearch(q: string): ConversationSearch {
  const text = q.trim();
  if (PHONE_SHAPED.test(text) && /\d/.test(text)) {
    // The stored phone carries the country code, so "720…" and "1 720…" both lie inside
    // "+17205557707": the US code is optional without stripping anything.
    return { text, phoneDigits: text.replace(/\D/g, ''), nameWords: [] };
  }
  return { text, phoneDigits: null, nameWords: text.split(/[\s,]+/).filter((w) => w !== '') };
}

/** `s` matched literally inside a LIKE pattern. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
