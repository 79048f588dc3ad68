// GSM 03.38 basic set and extension table: a body made only of these is GSM-7 encoded.
const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

/**
 * NumSegments as Twilio counts it: GSM-7 holds 160 characters (153 per part when split), UCS-2
 * 70 (67 per part). Extension characters take two GSM-7 slots.
 */
export function countSegments(body: string): number {
  const chars = [...body];
  const isGsm = chars.every((c) => GSM7.includes(c) || GSM7_EXTENDED.includes(c));
  if (isGsm) {
    const units = chars.reduce((sum, c) => sum + (GSM7_EXTENDED.includes(c) ? 2 : 1), 0);
    return units <= 160 ? 1 : Math.ceil(units / 153);
  }
  const units = body.length; // UTF-16 code units, as UCS-2 counts them
  return units <= 70 ? 1 : Math.ceil(units / 67);
}
