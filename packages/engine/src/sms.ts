import { SegmentedMessage } from 'sms-segments-calculator';
import type { ContactSnapshot } from './conversation.types';
import { renderMergeFields } from './merge-fields';

/**
 * SMS facts for the console's "encoding, segments, cost per send" line. Counting is Twilio's own
 * calculator (GSM-7 extension characters such as `€`, `{`, `[` count twice; one non-GSM character
 * switches the whole message to UCS-2; emoji are two UCS-2 units). Segments: GSM-7 160 or 153 per
 * part, UCS-2 70 or 67.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsFacts {
  encoding: SmsEncoding;
  /** Segments billed; 0 for an empty body. */
  segments: number;
  /** Characters as a person counts them (graphemes). */
  characters: number;
  /** Encoding units: GSM-7 septets (extension characters count 2) or UCS-2 code units. */
  units: number;
  /** Units one segment can carry for this message (160/153 GSM-7, 70/67 UCS-2). */
  unitsPerSegment: number;
  /** Characters that forced UCS-2; swapping them can save segments. */
  nonGsmCharacters: string[];
}

export function smsFacts(body: string): SmsFacts {
  const message = new SegmentedMessage(body);
  const encoding = message.encodingName;
  const empty = body.length === 0;
  const segments = empty ? 0 : message.segmentsCount;
  const single = encoding === 'GSM-7' ? 160 : 70;
  const multi = encoding === 'GSM-7' ? 153 : 67;
  return {
    encoding,
    segments,
    characters: message.graphemes.length,
    units: message.numberOfCharacters,
    unitsPerSegment: segments > 1 ? multi : single,
    nonGsmCharacters: encoding === 'UCS-2' ? message.getNonGsmCharacters() : [],
  };
}

/**
 * A message's facts as the contact gets it: counted on the text with its merge fields filled in
 * for `contact` (null: none known, so every field empty or its fallback), because a token such as
 * `~Contact.FirstName~` is never sent (its tildes alone would count as two GSM-7 units each).
 */
export function messageSmsFacts(
  message: string,
  contact: ContactSnapshot | null,
): SmsFacts & { body: string } {
  const body = renderMergeFields(message, contact);
  return { ...smsFacts(body), body };
}

export interface MessagePrices {
  /** Price of one SMS segment (e.g. 0.0079 USD). */
  perSegment: number;
  /** Flat price of one MMS, whatever its text length. */
  perMms: number;
}

export interface SendCostEstimate {
  kind: 'sms' | 'mms';
  /** Billed units: segments for SMS, 1 for MMS. */
  billedUnits: number;
  cost: number;
}

/** The estimated cost of one send: media make it an MMS at a flat price. */
export function estimateSendCost(
  body: string,
  mediaCount: number,
  prices: MessagePrices,
): SendCostEstimate {
  if (mediaCount > 0) return { kind: 'mms', billedUnits: 1, cost: roundMoney(prices.perMms) };
  const { segments } = smsFacts(body);
  return { kind: 'sms', billedUnits: segments, cost: roundMoney(segments * prices.perSegment) };
}

/** Prices have up to 4-5 decimals; round away float noise (0.0079 * 3 = 0.023700000000000002). */
function roundMoney(amount: number): number {
  return Math.round(amount * 1e6) / 1e6;
}
