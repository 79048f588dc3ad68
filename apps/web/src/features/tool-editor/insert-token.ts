/** Characters a merge field may follow or precede without a space ("(~Contact.FirstName~)", "Hi ~…~!"). */
const OPENS = /[\s([{"'“‘]/;
const CLOSES = /[\s.,!?;:)\]}"'”’]/;

/**
 * A merge field put into a message at the caret (or over the selection), with a space where it
 * would otherwise stick to a word or a sentence's end: "Text STOP to stop." + FirstName reads
 * "…to stop. ~Contact.FirstName~" (the contact sees "to stop. Pat", not "to stop.Pat").
 * Returns the new text and where the caret goes (after the field).
 */
export function insertToken(
  text: string,
  start: number,
  end: number,
  token: string,
): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  const before = text.slice(0, from);
  const after = text.slice(to);
  const lead = before && !OPENS.test(before.charAt(before.length - 1)) ? ' ' : '';
  const trail = after && !CLOSES.test(after.charAt(0)) ? ' ' : '';
  const inserted = `${lead}${token}${trail}`;
  return { text: before + inserted + after, caret: before.length + lead.length + token.length };
}
