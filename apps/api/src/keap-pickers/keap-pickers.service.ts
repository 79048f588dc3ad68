import { Inject, Injectable } from '@nestjs/common';
import { customFieldKey, type KeapTag } from '@sms-seq/crm-keap';
import { type ContactFieldKind, STANDARD_CONTACT_FIELDS } from '@sms-seq/engine';
import type Redis from 'ioredis';
import { REDIS } from '../accounts/accounts.module';
import { InvalidInputError } from '../errors/domain-error';
import { KeapClientFactory } from '../keap-auth/keap-client.factory';

export interface FieldOption {
  key: string;
  label: string;
  kind: ContactFieldKind;
  custom: boolean;
}

export interface TagOption {
  id: number;
  name: string;
  category: string | null;
}

// Keap calls are the scarcest resource: the pickers are read from Keap once an hour at most,
// unless the user asks for a refresh.
const CACHE_TTL_SECONDS = 60 * 60;

const CUSTOM_KINDS: Record<string, ContactFieldKind> = {
  EMAIL: 'email',
  PHONE_NUMBER: 'phone',
  NUMBER: 'number',
  NUMBER_DECIMAL: 'number',
  WHOLE_NUMBER: 'number',
  CURRENCY: 'number',
  PERCENT: 'number',
  DATE: 'date',
  DATE_TIME: 'date',
};

/** The account's contact fields and tags for the console's pickers, cached per account in Redis. */
@Injectable()
export class KeapPickersService {
  constructor(
    private readonly keap: KeapClientFactory,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async fields(accountId: string, refresh = false): Promise<FieldOption[]> {
    return this.cached(`pickers:${accountId}:fields`, refresh, async () => {
      const model = await this.keap.clientFor(accountId).getContactModel({ refresh: true });
      const custom: FieldOption[] = model.custom_fields.flatMap((def) => {
        const key = customFieldKey(def);
        if (!key) return [];
        return [{ key, label: def.label ?? def.field_name ?? key, kind: CUSTOM_KINDS[def.field_type ?? ''] ?? 'text', custom: true }];
      });
      const standard = STANDARD_CONTACT_FIELDS.map((f) => ({ key: f.key, label: f.label, kind: f.kind, custom: false }));
      return [...standard, ...custom];
    });
  }

  async tags(accountId: string, refresh = false): Promise<TagOption[]> {
    return this.cached(`pickers:${accountId}:tags`, refresh, async () => {
      const tags = await this.keap.clientFor(accountId).listAllTags();
      return tags.map(tagOption).sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  async createTag(accountId: string, name: string): Promise<TagOption> {
    const trimmed = name.trim();
    if (!trimmed) throw new InvalidInputError('Give the tag a name.');
    const tag = tagOption(await this.keap.clientFor(accountId).createTag({ name: trimmed }));
    // The cached list would miss the new tag: forget it so the next read includes it.
    await this.redis.del(`pickers:${accountId}:tags`);
    return tag;
  }

  /** The account's custom field keys if the pickers have been loaded; never calls Keap. */
  async cachedCustomFieldKeys(accountId: string): Promise<string[] | undefined> {
    const raw = await this.redis.get(`pickers:${accountId}:fields`);
    if (!raw) return undefined;
    return (JSON.parse(raw) as FieldOption[]).filter((f) => f.custom).map((f) => f.key);
  }

  private async cached<T>(key: string, refresh: boolean, load: () => Promise<T>): Promise<T> {
    if (!refresh) {
      const raw = await this.redis.get(key);
      if (raw) return JSON.parse(raw) as T;
    }
    const value = await load();
    await this.redis.set(key, JSON.stringify(value), 'EX', CACHE_TTL_SECONDS);
    return value;
  }
}

function tagOption(tag: KeapTag): TagOption {
  return { id: Number(tag.id), name: tag.name, category: tag.category?.id ?? null };
}
