import {
  type ApplyTagOutcome,
  KEAP_NO_ANSWER_FOR_CONTACT,
  type KeapGrant,
  type KeapRequestGate,
  type KeapRetryPolicy,
} from '@sms-seq/crm-keap';
import type { TagId } from '@sms-seq/engine';
import type { CrmCallOptions, CrmPriority } from '../../ports/crm.port';
import type { KeapClientFactory } from '../auth/keap-client.factory';
import { GrantedFirstGate } from './granted-first-gate';

/** Keap's side of the batched tag applies; `Grant` is the budget's leave for one call. */
export interface TagAppliesFromKeap<Grant> {
  /** Resolves when the Keap budget lets one apply call of the account go out. */
  grant(accountId: string, priority: CrmPriority): Promise<Grant>;
  /**
   * The `applyTags` call of `tagId` for `contactIds`, its first attempt going out on `grant`:
   * each contact's outcome. `onCall` is told the kind of every HTTP attempt it makes.
   */
  apply(
    accountId: string,
    tagId: TagId,
    contactIds: number[],
    call: { grant: Grant; priority: CrmPriority; onCall: (kind: string) => void },
  ): Promise<Map<number, ApplyTagOutcome>>;
}

export interface TagBatcherOptions {
  /** How long the first apply of a batch waits for others of its tag before it asks Keap. */
  windowMs: number;
  /** Distinct contacts one call carries at most: a batch this full asks at once. */
  maxContacts: number;
}

/** Keap refused the tag for this contact alone (the others of its call may have it now). */
export class TagRefusedForContactError extends Error {
  constructor(
    readonly tagId: TagId,
    readonly contactId: number,
    reason: string,
  ) {
    super(`Keap did not apply tag ${tagId} to contact ${contactId}: ${reason}`);
    this.name = new.target.name;
  }
}

interface Waiter {
  contactId: number;
  options: CrmCallOptions;
  resolve: (outcome: 'applied' | 'already_applied') => void;
  reject: (err: unknown) => void;
}

interface Batch {
  key: string;
  accountId: string;
  tagId: TagId;
  /** In arrival order (the Keap call is counted on one of them, see `send`). */
  waiters: Waiter[];
  contactIds: Set<number>;
  timer?: NodeJS.Timeout;
  /** Set once the batch has asked the budget for its call, at this priority. */
  asked?: CrmPriority;
}

/**
 * Gathers the applies of one tag in one account (a campaign's conversations answer close
 * together) into one `applyTags` call: one Keap call and one budget grant for many contacts
 * instead of one each. The first apply of a batch waits `windowMs` for company, then the batch
 * asks the budget for its call and keeps taking applies until the budget lets it go (or it is
 * full): the busier Keap is, the fuller each call. Keap answers each contact's outcome, so each
 * apply settles with its own: a contact Keap refused fails alone and its job retries, the others
 * are done. Per process: each worker batches its own jobs.
 */
export class KeapTagBatcher<Grant> {
  /** The batch still taking applies, per account and tag. */
  private readonly open = new Map<string, Batch>();

  constructor(
    private readonly keap: TagAppliesFromKeap<Grant>,
    private readonly options: TagBatcherOptions,
  ) {
    if (!(options.maxContacts >= 1))
      throw new Error('A tag batch must have room for at least one contact.');
  }

  /** Settles once Keap has the tag on the contact; rejects when the call or this contact failed. */
  apply(
    accountId: string,
    tagId: TagId,
    contactId: number,
    options: CrmCallOptions,
  ): Promise<'applied' | 'already_applied'> {
    return new Promise((resolve, reject) => {
      const key = `${accountId}|${tagId}`;
      const open = this.open.get(key);
      // Work someone waits on does not ride in a call asked for at the back of the budget's queue.
      if (open?.asked === 'background' && options.priority === 'interactive') this.stopTaking(open);
      let batch = this.open.get(key);
      if (!batch) {
        const opened: Batch = { key, accountId, tagId, waiters: [], contactIds: new Set() };
        opened.timer = setTimeout(() => this.ask(opened), this.options.windowMs);
        this.open.set(key, (batch = opened));
      }
      batch.waiters.push({ contactId, options, resolve, reject });
      // The same contact twice (two conversations, a retry beside its first run) shares one id.
      batch.contactIds.add(contactId);
      if (batch.contactIds.size >= this.options.maxContacts) {
        this.stopTaking(batch);
        this.ask(batch);
      }
    });
  }

  /** New applies of the tag go to another batch. */
  private stopTaking(batch: Batch): void {
    if (this.open.get(batch.key) === batch) this.open.delete(batch.key);
  }

  /** Asks the budget for the batch's call (once), and sends it when granted. */
  private ask(batch: Batch): void {
    clearTimeout(batch.timer);
    if (batch.asked) return;
    // One call for many applies: the highest priority any of them asked for.
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
    let outcomes: Map<number, ApplyTagOutcome>;
    try {
      outcomes = await this.keap.apply(batch.accountId, batch.tagId, [...batch.contactIds], {
        grant,
        priority: batch.asked ?? 'interactive',
        onCall: (kind) => kinds.push(kind),
      });
    } catch (err) {
      // Every apply of the batch fails with it (their jobs retry, as a lone apply's would).
      countOn(batch.waiters[0], kinds);
      for (const w of batch.waiters) w.reject(err);
      return;
    }
    // The call is counted once in all, not once per apply: on the first apply Keap did (its job
    // is the likeliest to record it with its conversation), else the first. Summed over the
    // conversations it is the calls Keap really answered.
    const done = (w: Waiter) => typeof outcomes.get(w.contactId) === 'string';
    countOn(batch.waiters.find(done) ?? batch.waiters[0], kinds);
    for (const w of batch.waiters) {
      const outcome = outcomes.get(w.contactId);
      if (outcome === 'applied' || outcome === 'already_applied') w.resolve(outcome);
      else
        w.reject(
          new TagRefusedForContactError(
            batch.tagId,
            w.contactId,
            outcome?.failed ?? KEAP_NO_ANSWER_FOR_CONTACT,
          ),
        );
    }
  }
}

function countOn(waiter: Waiter | undefined, kinds: string[]): void {
  for (const kind of kinds) waiter?.options.onCall?.(kind);
}

/**
 * The batcher's Keap side: the grant from the shared budget (`gate`), the call through a client
 * of `clients` whose `applyTags` goes out on it.
 */
export function tagAppliesFromKeap(
  clients: KeapClientFactory,
  gate: KeapRequestGate,
  retry: Partial<KeapRetryPolicy>,
): TagAppliesFromKeap<KeapGrant> {
  return {
    // KeapClient's name for the applyTags call, so that the grant is spent on it.
    grant: (accountId, priority) => gate.acquire({ accountId, priority, kind: 'tags.apply' }),
    async apply(accountId, tagId, contactIds, call) {
      const first = new GrantedFirstGate(gate, call.grant);
      try {
        return await clients
          .clientFor(accountId, call.priority, retry, call.onCall, first)
          .applyTagToContacts(tagId, contactIds);
      } finally {
        // The budget not taking it back only holds the slot longer; the apply's outcome stands.
        await first.release().catch(() => undefined);
      }
    },
  };
}
