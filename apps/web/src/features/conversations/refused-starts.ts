import type { RefusedStart } from '../../api/api.types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The refused starts received in the 24 hours before `now` (the tools list's banner). */
export function refusedInLastDay(items: RefusedStart[], now: number = Date.now()): RefusedStart[] {
  return items.filter((item) => now - Date.parse(item.receivedAt) <= DAY_MS);
}

/** The sender a contact texted, in words: "+14155550100" or "messaging service MG…". */
export function describeTextedSender(senderKey: string): string {
  if (senderKey.startsWith('phone:')) return senderKey.slice('phone:'.length);
  if (senderKey.startsWith('service:'))
    return `messaging service ${senderKey.slice('service:'.length)}`;
  return senderKey;
}
