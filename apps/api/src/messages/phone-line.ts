/**
 * One contact's line into one account: the phone at one of the account's senders. Every runtime
 * key (routing, the lock, job ids) carries the account, so no account can reach another's line.
 */
export interface PhoneLine {
  accountId: string;
  senderKey: string;
  phone: string;
}

export function phoneLineKey(line: PhoneLine): string {
  return `${line.accountId}|${line.senderKey}|${line.phone}`;
}
