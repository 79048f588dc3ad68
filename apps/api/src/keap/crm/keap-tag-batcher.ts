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
import { GrantBatcher } from './grant-batcher';
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

/**
 * Gathers the applies of one tag in one account (a campaign's conversations answer close
 * together) into one `applyTags` call: one Keap call and one budget grant for many contacts
 * instead of one each, the call taking applies until the budget lets it go (`GrantBatcher`). Keap
 * answers each contact's outcome, so each apply settles with its own: a contact Keap refused
 * fails alone and its job retries, the others are done. Per process: each worker batches its own
 * jobs.
 */
export class KeapTagBatcher<Grant> {
  /** Batches per account and tag; an id is a contact id. */
  private readonly batches: GrantBatcher<
    { accountId: string; tagId: TagId },
    number,
    'applied' | 'already_applied',
    Grant,
    Map<number, ApplyTagOutcome>
  >;

  constructor(keap: TagAppliesFromKeap<Grant>, options: TagBatcherOptions) {
    if (!(options.maxContacts >= 1))
      throw new Error('A tag batch must have room for at least one contact.');
    this.batches = new GrantBatcher({
      windowMs: options.windowMs,
      maxIds: options.maxContacts,
      nameOf: ({ accountId, tagId }) => `${accountId}|${tagId}`,
      grant: ({ accountId }, priority) => keap.grant(accountId, priority),
      call: ({ key, ids }, attempt) => keap.apply(key.accountId, key.tagId, [...ids], attempt),
      // The first apply Keap did: its job is the likeliest to record the call with its
      // conversation.
      countsOn: (outcomes, w) => typeof outcomes.get(w.id) === 'string',
      settle: ({ key, waiters }, outcomes) => {
        for (const w of waiters) {
          const outcome = outcomes.get(w.id);
          if (outcome === 'applied' || outcome === 'already_applied') w.resolve(outcome);
          else
            w.reject(
              new TagRefusedForContactError(
                key.tagId,
                w.id,
                outcome?.failed ?? KEAP_NO_ANSWER_FOR_CONTACT,
              ),
            );
        }
      },
    });
  }

  /**
   * Settles once Keap has the tag on the contact; rejects when the call or this contact failed.
   * The same contact twice (two conversations, a retry beside its first run) shares one id.
   */
  apply(
    accountId: string,
    tagId: TagId,
    contactId: number,
    options: CrmCallOptions,
  ): Promise<'applied' | 'already_applied'> {
    return this.batches.add({ accountId, tagId }, contactId, options);
  }
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
