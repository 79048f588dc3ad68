import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  KeapClient,
  KeapError,
  KeapNotFoundError,
  toContactSnapshot,
  toContactWrite,
  type KeapContactModelCache,
  type KeapRequestGate,
} from '@sms-seq/crm-keap';
import type Redis from 'ioredis';
import { REDIS } from '../accounts/accounts.module';
import type { ContactFieldKey, ContactSnapshot, TagId } from '@sms-seq/engine';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { KeapTokensService } from '../keap-auth/keap-tokens.service';
import { type Crm, type CrmCallOptions, CrmError, CrmProvider } from './crm.port';

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
        // Find by email and store the phone on it, or create it: never a duplicate.
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

  async saveField(contactId: number, field: ContactFieldKey, value: string): Promise<void> {
    await guard(() => this.client.updateContactFields(contactId, { [field]: value }));
  }

  async createNote(contactId: number, title: string, body: string): Promise<string> {
    const note = await guard(() => this.client.createNote(contactId, { title, text: body }));
    return String(note.id);
  }

  async appendToNote(contactId: number, noteId: string, text: string): Promise<void> {
    await guard(() => this.client.appendToNote(contactId, noteId, text));
  }
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof KeapError) throw new CrmError(err.message, err.retryable);
    // The budget gate timing out, the network, anything unknown: try again later.
    throw new CrmError(err instanceof Error ? err.message : String(err), true);
  }
}

/** How long an account's field model is trusted; a custom field added in Keap shows within this. */
const FIELD_MODEL_TTL_SECONDS = 600;

/**
 * The contact field model per account in Redis, shared by every process: each job builds a new
 * client, and without this each would spend a Keap read on the model.
 */
function redisModelCache(redis: Redis, prefix: string): KeapContactModelCache {
  const key = (accountId: string) => `${prefix}keap-contact-model:${accountId}`;
  return {
    async get(accountId) {
      const raw = await redis.get(key(accountId)).catch(() => null);
      return raw ? (JSON.parse(raw) as Awaited<ReturnType<KeapContactModelCache['get']>>) : null;
    },
    async set(accountId, model) {
      await redis
        .set(key(accountId), JSON.stringify(model), 'EX', FIELD_MODEL_TTL_SECONDS)
        .catch(() => undefined);
    },
  };
}

@Injectable()
export class KeapCrmProvider extends CrmProvider {
  private readonly modelCache: KeapContactModelCache;

  constructor(
    private readonly tokens: KeapTokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) redis: Redis,
    @Optional() @Inject(CRM_REQUEST_GATE) private readonly gate?: KeapRequestGate,
  ) {
    super();
    this.modelCache = redisModelCache(redis, config.REDIS_KEY_PREFIX);
  }

  async crmFor(accountId: string, options: CrmCallOptions): Promise<Crm> {
    const client = new KeapClient({
      baseUrl: this.config.KEAP_API_URL,
      accountId,
      priority: options.priority,
      accessToken: ({ rejectedToken }) =>
        rejectedToken
          ? this.tokens.refreshAfterUnauthorized(accountId, rejectedToken)
          : this.tokens.accessTokenFor(accountId),
      gate: this.gate,
      contactModelCache: this.modelCache,
      // The queue retries with its own backoff; the client only rides out short bursts.
      retry: { maxAttempts: 3 },
      onCall: (call) => options.onCall?.(call.kind),
    });
    return new KeapCrm(client);
  }
}
