import { Inject, Injectable } from '@nestjs/common';
import {
  type KeapClient,
  KeapClientCredentialsError,
  KeapError,
  KEAP_MAX_IDS_FILTER_CHARS,
  KEAP_MAX_IDS_PER_LIST,
  toContactSnapshot,
  toContactWrite,
  type KeapContactModel,
  type KeapCustomFieldDefinition,
  type KeapRetryPolicy,
} from '@sms-seq/crm-keap';
import type { ApiGoal, ContactFieldKey, ContactSnapshot, TagId } from '@sms-seq/engine';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { KeapClientFactory } from '../auth/keap-client.factory';
import { KeapDisconnectedError } from '../auth/keap-disconnected.error';
import {
  type Crm,
  type CrmCallOptions,
  CrmError,
  CrmProvider,
  type CrmPriority,
  type NotePart,
} from '../../ports/crm.port';
import { KEAP_ACCOUNT_CACHE, RedisKeapAccountCache } from '../keap-account-cache';
import {
  KEAP_REQUEST_GATE,
  type KeapGrant,
  type KeapRequestGate,
} from '../budget/keap-request-gate';
import {
  contactReadsFromKeap,
  KeapContactReadBatcher,
  type KeapReadGrant,
} from './keap-contact-read-batcher';
import { GrantedFirstGate } from './granted-first-gate';
import { KeapTagBatcher, TagRefusedForContactError, tagAppliesFromKeap } from './keap-tag-batcher';

/** The queue retries with its own backoff; a client of the runtime only rides out short bursts. */
const RUNTIME_RETRY: Partial<KeapRetryPolicy> = { maxAttempts: 3 };

/**
 * Most contacts one batched `applyTags` carries. The spec sets no maximum on `contact_ids`; this
 * keeps one request small (about 12 KB) while a campaign's burst still goes in a few calls.
 */
const TAG_BATCH_MAX_CONTACTS = 1000;

/**
 * How long a note's turn (crmAtTurn) stays usable for its first call. The work runs its database
 * step first, normally milliseconds; one that waited longer (on the contact's note, locked by
 * another write) asks the budget again rather than send a call the budget no longer counts.
 */
const TURN_USABLE_MS = 2_000;

/** The Keap call a note write's first call is, by how the write starts. */
const FIRST_NOTE_CALL = { createNote: 'notes.create', appendToNote: 'notes.get' } as const;

/** The Crm port over Keap REST v2 (`@sms-seq/crm-keap`). */
export class KeapCrm implements Crm {
  constructor(
    private readonly client: KeapClient,
    /** The account's batched reads (`KeapContactReadBatcher`): many starts, one `ids==` call. */
    private readonly reads: (contactId: number) => Promise<ContactSnapshot | null>,
    /** The account's batched tag applies (`KeapTagBatcher`): many contacts, one `applyTags`. */
    private readonly tags: (contactId: number, tagId: TagId) => Promise<unknown>,
  ) {}

  async readContact(contactId: number): Promise<ContactSnapshot | null> {
    return guard(() => this.reads(contactId));
  }

  async findOrCreateContact(query: {
    email: string | null;
    phone: string;
    phoneField: ContactFieldKey;
  }): Promise<{ contact: ContactSnapshot; created: boolean }> {
    return guard(async () => {
      const model = await this.client.getContactModel();
      if (query.email !== null) {
        // Find by email and store the phone on it, or create it: never a duplicate. A found
        // contact keeps its other phones and emails (written back as the search read them).
        const { contact, created } = await this.client.createOrUpdateByEmail(query.email, {
          [query.phoneField]: query.phone,
        });
        return { contact: toContactSnapshot(contact, model), created };
      }
      const [found] = await this.client.findContactsByPhone(query.phone);
      if (found) return { contact: toContactSnapshot(found, model), created: false };
      const plan = toContactWrite({ [query.phoneField]: query.phone }, model);
      return {
        contact: toContactSnapshot(await this.client.createContact(plan.body), model),
        created: true,
      };
    });
  }

  async applyTag(contactId: number, tagId: TagId): Promise<void> {
    // Keap refusing this contact alone fails this apply only, and it is retried.
    await guard(() => this.tags(contactId, tagId));
  }

  async achieveGoal(contactId: number, goal: ApiGoal): Promise<void> {
    await guard(() => this.client.achieveGoal(goal, contactId));
  }

  /**
   * Keap replaces a contact's email addresses and phone numbers whole, so saving one (an Email or
   * Phone2 reply) sends the others back as they are: the client reads those lists first (one
   * `contacts.get`). Not the conversation's snapshot: it may be older than a change made in Keap
   * since, which writing it back would undo. All the fields go in one update.
   */
  async saveFields(contactId: number, fields: Record<ContactFieldKey, string>): Promise<void> {
    await guard(() => this.client.updateContactFields(contactId, fields));
  }

  async createNote(
    contactId: number,
    title: string,
    parts: readonly NotePart[],
    options: { maybeWritten: boolean },
  ): Promise<string> {
    const note = await guard(() =>
      this.client.createNote(contactId, { title, parts }, { lookFirst: options.maybeWritten }),
    );
    return String(note.id);
  }

  async appendToNote(contactId: number, noteId: string, parts: readonly NotePart[]): Promise<void> {
    await guard(() => this.client.appendToNote(contactId, noteId, parts));
  }
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    // The app's own client credentials refused: the deployment is at fault, not the account, and
    // the work goes through once they are fixed; the queue's retries wait for that.
    if (err instanceof KeapClientCredentialsError) throw new CrmError(err.message, true);
    if (err instanceof KeapError) throw new CrmError(err.message, err.retryable);
    // The grant is gone: no retry can succeed until the user connects Keap again.
    if (err instanceof KeapDisconnectedError)
      throw new CrmError(err.message, false, 'keap_disconnected');
    // Keap refused this one contact (its batch went through): worth a few more tries, not forever.
    if (err instanceof TagRefusedForContactError)
      throw new CrmError(err.message, true, 'refused_for_contact');
    // The budget gate timing out, the network, anything unknown: try again later.
    throw new CrmError(err instanceof Error ? err.message : String(err), true);
  }
}

/**
 * Hands out the runtime's Crm over clients from KeapClientFactory (the one place Keap clients are
 * built: the shared budget as gate, the Redis account cache that keeps the field model and note
 * user per account for every process, so that a job's new client spends no Keap read on them).
 */
@Injectable()
export class KeapCrmProvider extends CrmProvider {
  private readonly contactReads: KeapContactReadBatcher<KeapReadGrant>;
  private readonly tagApplies: KeapTagBatcher<KeapGrant>;

  constructor(
    private readonly clients: KeapClientFactory,
    @Inject(KEAP_ACCOUNT_CACHE) private readonly accountCache: RedisKeapAccountCache,
    @Inject(APP_CONFIG)
    config: Pick<AppConfig, 'KEAP_READ_BATCH_WINDOW_MS' | 'KEAP_TAG_BATCH_WINDOW_MS'>,
    // The shared Keap budget: a batch of contact reads (of tag applies) asks it for its call
    // before it is full.
    @Inject(KEAP_REQUEST_GATE) private readonly gate: KeapRequestGate,
  ) {
    super();
    this.contactReads = new KeapContactReadBatcher(
      contactReadsFromKeap(clients, gate, RUNTIME_RETRY),
      {
        windowMs: config.KEAP_READ_BATCH_WINDOW_MS,
        maxIds: KEAP_MAX_IDS_PER_LIST,
        maxIdChars: KEAP_MAX_IDS_FILTER_CHARS,
      },
    );
    this.tagApplies = new KeapTagBatcher(tagAppliesFromKeap(clients, gate, RUNTIME_RETRY), {
      windowMs: config.KEAP_TAG_BATCH_WINDOW_MS,
      maxContacts: TAG_BATCH_MAX_CONTACTS,
    });
  }

  async crmFor(accountId: string, options: CrmCallOptions): Promise<Crm> {
    return this.crmOver(
      accountId,
      options,
      this.clients.clientFor(accountId, options.priority, RUNTIME_RETRY, options.onCall),
    );
  }

  /**
   * The budget's grant for the write's first call (a create, or an append's read) is won before
   * `work` runs; the call goes out on it (`GrantedFirstGate`), every later one waits as usual.
   */
  async crmAtTurn<T>(
    accountId: string,
    options: CrmCallOptions,
    first: 'createNote' | 'appendToNote',
    work: (crm: Crm) => Promise<T>,
  ): Promise<T> {
    // The note user first (a Keap read once per account): every note job of the account waits on
    // that one read, and none may hold a turn meanwhile, or the turns fill the budget's window.
    await guard(() =>
      this.clients
        .clientFor(accountId, options.priority, RUNTIME_RETRY, options.onCall)
        .prepareNoteWrite(),
    );
    const grant = await guard(() =>
      this.gate.acquire({ accountId, priority: options.priority, kind: FIRST_NOTE_CALL[first] }),
    );
    const gate = new GrantedFirstGate(this.gate, grant, { usableForMs: TURN_USABLE_MS });
    try {
      return await work(
        this.crmOver(
          accountId,
          options,
          this.clients.clientFor(accountId, options.priority, RUNTIME_RETRY, options.onCall, {
            gate,
          }),
        ),
      );
    } finally {
      // The budget not taking it back only holds the slot longer; the work's outcome stands.
      await gate.release().catch(() => undefined);
    }
  }

  private crmOver(accountId: string, options: CrmCallOptions, client: KeapClient): Crm {
    return new KeapCrm(
      client,
      (contactId) => this.contactReads.read(accountId, contactId, options),
      (contactId, tagId) => this.tagApplies.apply(accountId, tagId, contactId, options),
    );
  }

  /**
   * The account's contact field model from the runtime's cache (the one source of it), read from
   * Keap only when missing or on `refresh` (which replaces it for the runtime too). For the
   * console's field picker.
   */
  contactModelFor(
    accountId: string,
    options: { refresh?: boolean; priority?: CrmPriority; retry?: Partial<KeapRetryPolicy> } = {},
  ): Promise<KeapContactModel> {
    return this.clients
      .clientFor(accountId, options.priority ?? 'interactive', options.retry ?? RUNTIME_RETRY)
      .getContactModel({ refresh: options.refresh === true });
  }

  /**
   * Adds a field just created in Keap to the cached field model, so the picker and the runtime
   * see it with no further Keap read. With no model cached, the next read brings it from Keap.
   */
  async addToContactModel(accountId: string, field: KeapCustomFieldDefinition): Promise<void> {
    const model = await this.accountCache.cachedContactModel(accountId);
    if (!model) return;
    const custom_fields = [...model.custom_fields.filter((f) => f.id !== field.id), field];
    await this.accountCache.contactModel(accountId, async () => ({ ...model, custom_fields }), {
      refresh: true,
    });
  }

  /** The account's field model if the cache holds it now; never calls Keap. */
  cachedContactModelFor(accountId: string): Promise<KeapContactModel | null> {
    return this.accountCache.cachedContactModel(accountId);
  }
}
