import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a client's requests are counted under: its IPv4 address, or its IPv6 /64 (one host
 * holds a whole /64, so counting single IPv6 addresses would let it spread over billions of
 * keys). Anything else (no address) counts as one client.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(address)) return address;
  if (isIPv6(address)) return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
  return 'unknown';
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded (a zone id or trailing IPv4 part dropped). */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('%', 1)[0]!.split('::');
  const part = (s: string) => (s ? s.split(':').filter((g) => !g.includes('.')) : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const zeros = Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...zeros, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}
