import type { KeapGrant, KeapRequestGate, KeapRetryPolicy } from '@sms-seq/crm-keap';
import type { ContactSnapshot } from '@sms-seq/engine';
import type { CrmCallOptions, CrmPriority } from '../../ports/crm.port';
import type { KeapClientFactory } from '../auth/keap-client.factory';
import { GrantBatcher } from './grant-batcher';
import { GrantedFirstGate } from './granted-first-gate';

/** Keap's side of the batched reads; `Grant` is the budget's leave for one call. */
export interface ContactReadsFromKeap<Grant> {
  /** Resolves when the Keap budget lets one list call of the account go out. */
  grant(accountId: string, priority: CrmPriority): Promise<Grant>;
  /**
   * The list call for `ids`, its first attempt going out on `grant`: the contacts Keap has, by
   * id. `onCall` is told the kind of every HTTP attempt it makes.
   */
  read(
    accountId: string,
    ids: number[],
    call: { grant: Grant; priority: CrmPriority; onCall: (kind: string) => void },
  ): Promise<Map<number, ContactSnapshot>>;
}

export interface ContactReadBatcherOptions {
  /** How long the first read of a batch waits for others of its account before it asks Keap. */
  windowMs: number;
  /** Distinct contacts one call may carry (Keap's page): a batch this full asks at once. */
  maxIds: number;
  /** Longest `ids==` list (ids and commas) one call may carry. */
  maxIdChars: number;
}

/**
 * Gathers the contact reads of one account (campaign starts come in bursts) into one `ids==` list
 * call: one Keap call and one budget grant for up to a page of contacts instead of one each, the
 * call taking reads until the budget lets it go (`GrantBatcher`). Per process: each worker
 * batches its own starts.
 */
export class KeapContactReadBatcher<Grant> {
  /** Batches per account; an id is a contact id. */
  private readonly batches: GrantBatcher<
    string,
    number,
    ContactSnapshot | null,
    Grant,
    Map<number, ContactSnapshot>
  >;

  constructor(keap: ContactReadsFromKeap<Grant>, options: ContactReadBatcherOptions) {
    if (!(options.maxIds >= 1) || !(options.maxIdChars >= 12))
      throw new Error('A contact read batch must have room for at least one contact id.');
    this.batches = new GrantBatcher({
      windowMs: options.windowMs,
      maxIds: options.maxIds,
      // An id takes its digits and its comma of the `ids==` list.
      room: { of: (contactId) => String(contactId).length + 1, max: options.maxIdChars },
      nameOf: (accountId) => accountId,
      grant: (accountId, priority) => keap.grant(accountId, priority),
      call: (batch, attempt) => keap.read(batch.key, [...batch.ids], attempt),
      // The first read whose contact was found: its start is the likeliest to become a
      // conversation, where counts are kept.
      countsOn: (found, w) => found.has(w.id),
      settle: (batch, found) => {
        const given = new Set<number>();
        for (const w of batch.waiters) {
          const contact = found.get(w.id) ?? null;
          // Reads of one contact get their own copy: a start may change what it was given.
          w.resolve(contact && given.has(w.id) ? structuredClone(contact) : contact);
          given.add(w.id);
        }
      },
    });
  }

  /**
   * The contact, or null when Keap has none of this id; rejects when the batch's call failed. The
   * same contact twice (two tools, a campaign posting twice) shares one slot of the call.
   */
  read(
    accountId: string,
    contactId: number,
    options: CrmCallOptions,
  ): Promise<ContactSnapshot | null> {
    return this.batches.add(accountId, contactId, options);
  }
}

/** What a batch waits for: the budget's grant, and the token read just before it was asked. */
export interface KeapReadGrant {
  grant: KeapGrant;
  /** Left out when the grant came so late that the token may have been replaced meanwhile. */
  accessToken?: string;
}

/** A token read this long before its grant is read again (a refused one would cost a call). */
const TOKEN_KEPT_MS = 60_000;

/**
 * The batcher's Keap side: the grant from the shared budget (`gate`), the call through a client
 * of `clients` whose list call goes out on it. The token is read before the grant is asked for,
 * as a lone call does: a grant never waits on the token store (a slot of Keap's second unused).
 */
export function contactReadsFromKeap(
  clients: KeapClientFactory,
  gate: KeapRequestGate,
  retry: Partial<KeapRetryPolicy>,
): ContactReadsFromKeap<KeapReadGrant> {
  return {
    async grant(accountId, priority) {
      const accessToken = await clients.accessTokenFor(accountId);
      const askedAt = Date.now();
      // KeapClient's name for the `ids==` list call, so that the grant is spent on it.
      const grant = await gate.acquire({ accountId, priority, kind: 'contacts.list' });
      return Date.now() - askedAt < TOKEN_KEPT_MS ? { grant, accessToken } : { grant };
    },
    async read(accountId, ids, call) {
      const first = new GrantedFirstGate(gate, call.grant.grant);
      try {
        return await clients
          .clientFor(accountId, call.priority, retry, call.onCall, {
            gate: first,
            ...(call.grant.accessToken === undefined
              ? {}
              : { accessToken: call.grant.accessToken }),
          })
          .getContactSnapshotsByIds(ids);
      } finally {
        // The budget not taking it back only holds the slot longer; the read's outcome stands.
        await first.release().catch(() => undefined);
      }
    },
  };
}
