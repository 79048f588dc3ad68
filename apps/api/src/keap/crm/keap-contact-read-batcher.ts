import type { KeapGrant, KeapRequestGate, KeapRetryPolicy } from '@sms-seq/crm-keap';
import type { ContactSnapshot } from '@sms-seq/engine';
import type { CrmCallOptions, CrmPriority } from '../../ports/crm.port';
import type { KeapClientFactory } from '../auth/keap-client.factory';
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

interface Waiter {
  contactId: number;
  options: CrmCallOptions;
  resolve: (contact: ContactSnapshot | null) => void;
  reject: (err: unknown) => void;
}

interface Batch {
  accountId: string;
  /** In arrival order (the Keap call is counted on one of them, see `send`). */
  waiters: Waiter[];
  ids: Set<number>;
  /** Length of the batch's `ids==` list so far. */
  idChars: number;
  timer?: NodeJS.Timeout;
  /** Set once the batch has asked the budget for its call, at this priority. */
  asked?: CrmPriority;
}

/**
 * Gathers the contact reads of one account (campaign starts come in bursts) into one `ids==` list
 * call: one Keap call and one budget grant for up to a page of contacts instead of one each. The
 * first read of a batch waits `windowMs` for company, then the batch asks the budget for its call
 * and keeps taking reads until the budget lets it go (or it is full): the busier Keap is, the
 * fuller each call. Per process: each worker batches its own starts.
 */
export class KeapContactReadBatcher<Grant> {
  /** The batch still taking reads, per account. */
  private readonly open = new Map<string, Batch>();

  constructor(
    private readonly keap: ContactReadsFromKeap<Grant>,
    private readonly options: ContactReadBatcherOptions,
  ) {
    if (!(options.maxIds >= 1) || !(options.maxIdChars >= 12))
      throw new Error('A contact read batch must have room for at least one contact id.');
  }

  /** The contact, or null when Keap has none of this id; rejects when the batch's call failed. */
  read(
    accountId: string,
    contactId: number,
    options: CrmCallOptions,
  ): Promise<ContactSnapshot | null> {
    return new Promise((resolve, reject) => {
      const chars = String(contactId).length + 1; // with its comma
      const open = this.open.get(accountId);
      // A read joins the open batch unless the batch has no room left for its id (it is full:
      // it asks now), or already asked the budget at a lower priority than this read's.
      if (
        open &&
        ((!open.ids.has(contactId) && open.idChars + chars > this.options.maxIdChars) ||
          (open.asked === 'background' && options.priority === 'interactive'))
      ) {
        this.stopTaking(open);
        this.ask(open);
      }
      let batch = this.open.get(accountId);
      if (!batch) {
        const opened: Batch = { accountId, waiters: [], ids: new Set(), idChars: 0 };
        opened.timer = setTimeout(() => this.ask(opened), this.options.windowMs);
        this.open.set(accountId, (batch = opened));
      }
      batch.waiters.push({ contactId, options, resolve, reject });
      // The same contact twice (two tools, a campaign posting twice) shares one slot.
      if (!batch.ids.has(contactId)) {
        batch.ids.add(contactId);
        batch.idChars += chars;
      }
      if (batch.ids.size >= this.options.maxIds) {
        this.stopTaking(batch);
        this.ask(batch);
      }
    });
  }

  /** New reads of the account go to another batch. */
  private stopTaking(batch: Batch): void {
    if (this.open.get(batch.accountId) === batch) this.open.delete(batch.accountId);
  }

  /** Asks the budget for the batch's call (once), and sends it when granted. */
  private ask(batch: Batch): void {
    clearTimeout(batch.timer);
    if (batch.asked) return;
    // One call for many reads: the highest priority any of them asked for.
    batch.asked = batch.waiters.some((w) => w.options.priority === 'interactive')
      ? 'interactive'
      : 'background';
    this.keap.grant(batch.accountId, batch.asked).then(
      (grant) => {
        this.stopTaking(batch);
        void this.send(batch, grant);
      },
      (err: unknown) => {
        this.stopTaking(batch);
        for (const w of batch.waiters) w.reject(err);
      },
    );
  }

  private async send(batch: Batch, grant: Grant): Promise<void> {
    const kinds: string[] = [];
    let found: Map<number, ContactSnapshot>;
    try {
      found = await this.keap.read(batch.accountId, [...batch.ids], {
        grant,
        priority: batch.asked ?? 'interactive',
        onCall: (kind) => kinds.push(kind),
      });
    } catch (err) {
      // Every read of the batch fails with it (their jobs retry, as a lone read's would).
      countOn(batch.waiters[0], kinds);
      for (const w of batch.waiters) w.reject(err);
      return;
    }
    // The batch's calls are counted once in all, not once per read: on the first read whose
    // contact was found (its start is the likeliest to become a conversation, where counts are
    // kept), else the first. Per conversation that is 1 or 0; summed over an account's
    // conversations it is the calls Keap really answered.
    countOn(batch.waiters.find((w) => found.has(w.contactId)) ?? batch.waiters[0], kinds);
    const given = new Set<number>();
    for (const w of batch.waiters) {
      const contact = found.get(w.contactId) ?? null;
      // Reads of one contact get their own copy: a start may change what it was given.
      w.resolve(contact && given.has(w.contactId) ? structuredClone(contact) : contact);
      given.add(w.contactId);
    }
  }
}

function countOn(waiter: Waiter | undefined, kinds: string[]): void {
  for (const kind of kinds) waiter?.options.onCall?.(kind);
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
