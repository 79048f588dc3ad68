import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  KeapClient,
  KeapError,
  KeapNotFoundError,
  toContactSnapshot,
  toContactWrite,
  type KeapContactModel,
  type KeapRequestGate,
  type KeapRetryPolicy,
} from '@sms-seq/crm-keap';
import type Redis from 'ioredis';
import { REDIS } from '../accounts/accounts.module';
import type { ContactFieldKey, ContactSnapshot, TagId } from '@sms-seq/engine';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { KeapDisconnectedError } from '../keap-auth/keap-disconnected.error';
import { KeapTokensService } from '../keap-auth/keap-tokens.service';
import { type Crm, type CrmCallOptions, CrmError, CrmProvider, type CrmPriority } from './crm.port';
import { RedisKeapAccountCache } from './keap-account-cache';

/** The Keap request gate (the shared budget); optional so the runtime runs before it is wired. */
export const CRM_REQUEST_GATE = Symbol('CRM_REQUEST_GATE');

/** The Crm port over Keap REST v2 (`@sms-seq/crm-keap`). */
export class KeapCrm implements Crm {
  constructor(private readonly client: KeapClient) {}

  async readContact(contactId: number): Promise<ContactSnapshot | null> {
    return guard(async () => {
      try {
        return await this.client.getContactSnapshot(contactId);
      } catch (err) {
        if (err instanceof KeapNotFoundError) return null;
        throw err;
      }
    });
  }

  async findOrCreateContact(query: {
    email: string | null;
    phone: string;
    phoneField: ContactFieldKey;
  }): Promise<ContactSnapshot> {
    return guard(async () => {
      const model = await this.client.getContactModel();
      if (query.email !== null) {
        // Find by email and store the phone on it, or create it: never a duplicate. A found
        // contact keeps its other phones and emails (written back as the search read them).
        const { contact } = await this.client.createOrUpdateByEmail(query.email, {
          [query.phoneField]: query.phone,
        });
        return toContactSnapshot(contact, model);
      }
      const [found] = await this.client.findContactsByPhone(query.phone);
      if (found) return toContactSnapshot(found, model);
      const plan = toContactWrite({ [query.phoneField]: query.phone }, model);
      return toContactSnapshot(await this.client.createContact(plan.body), model);
    });
  }

  async applyTag(contactId: number, tagId: TagId): Promise<void> {
    await guard(() => this.client.applyTag(tagId, contactId));
  }

  /**
   * Keap replaces a contact's email addresses and phone numbers whole, so saving one (an Email or
   * Phone2 reply) sends the others back as they are: the client reads those lists first (one
   * `contacts.get`). Not the conversation's snapshot: it may be older than a change made in Keap
   * since, which writing it back would undo.
   */
  async saveField(contactId: number, field: ContactFieldKey, value: string): Promise<void> {
    await guard(() => this.client.updateContactFields(contactId, { [field]: value }));
  }

  async createNote(
    contactId: number,
    title: string,
    body: string,
    options: { marker: string; maybeWritten: boolean },
  ): Promise<string> {
    const note = await guard(() =>
      this.client.createNote(
        contactId,
        { title, text: body, marker: options.marker },
        { lookFirst: options.maybeWritten },
      ),
    );
    return String(note.id);
  }

  async appendToNote(
    contactId: number,
    noteId: string,
    text: string,
    options: { marker: string },
  ): Promise<void> {
    await guard(() =>
      this.client.appendToNote(contactId, noteId, text, { marker: options.marker }),
    );
  }
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof KeapError) throw new CrmError(err.message, err.retryable);
    // The grant is gone: no retry can succeed until the user connects Keap again.
    if (err instanceof KeapDisconnectedError)
      throw new CrmError(err.message, false, 'keap_disconnected');
    // The budget gate timing out, the network, anything unknown: try again later.
    throw new CrmError(err instanceof Error ? err.message : String(err), true);
  }
}

@Injectable()
export class KeapCrmProvider extends CrmProvider {
  private readonly logger = new Logger(KeapCrmProvider.name);
  private readonly accountCache: RedisKeapAccountCache;

  constructor(
    private readonly tokens: KeapTokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) redis: Redis,
    @Optional() @Inject(CRM_REQUEST_GATE) private readonly gate?: KeapRequestGate,
  ) {
    super();
    // The field model and note user per account in Redis, shared by every process: each job
    // builds a new client, and without this each would spend Keap reads on them.
    // The REDIS client prefixes every key with REDIS_KEY_PREFIX itself (ioredis keyPrefix).
    this.accountCache = new RedisKeapAccountCache(redis, '');
  }

  async crmFor(accountId: string, options: CrmCallOptions): Promise<Crm> {
    return new KeapCrm(this.clientFor(accountId, options));
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
    return this.clientFor(
      accountId,
      { priority: options.priority ?? 'interactive' },
      options.retry,
    ).getContactModel({ refresh: options.refresh === true });
  }

  /** The account's field model if the cache holds it now; never calls Keap. */
  cachedContactModelFor(accountId: string): Promise<KeapContactModel | null> {
    return this.accountCache.cachedContactModel(accountId);
  }

  private clientFor(
    accountId: string,
    options: CrmCallOptions,
    retry: Partial<KeapRetryPolicy> = { maxAttempts: 3 },
  ): KeapClient {
    return new KeapClient({
      baseUrl: this.config.KEAP_API_URL,
      accountId,
      priority: options.priority,
      accessToken: ({ rejectedToken }) =>
        rejectedToken
          ? this.tokens.refreshAfterUnauthorized(accountId, rejectedToken)
          : this.tokens.accessTokenFor(accountId),
      gate: this.gate,
      accountCache: this.accountCache,
      // The queue retries with its own backoff; the client only rides out short bursts.
      retry,
      onCall: (call) => options.onCall?.(call.kind),
      onGateError: (err, call) =>
        this.logger.warn(
          `The Keap budget did not take the answer of ${call.kind} (account ${call.accountId}); the call's outcome stands: ${err instanceof Error ? err.message : String(err)}`,
        ),
    });
  }
}
