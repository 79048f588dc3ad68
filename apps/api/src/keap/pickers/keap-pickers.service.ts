import { Inject, Injectable } from '@nestjs/common';
import {
  customFieldKey,
  type KeapContactModel,
  type KeapCustomFieldDefinition,
  type KeapTag,
  KeapValidationError,
} from '@sms-seq/crm-keap';
import { type ContactFieldKind, STANDARD_CONTACT_FIELDS } from '@sms-seq/engine';
import type Redis from 'ioredis';
import { REDIS } from '../../redis/redis.module';
import { KeapCrmProvider } from '../crm/keap-crm';
import { DomainError, InvalidInputError } from '../../errors/domain-error';
import { KeapClientFactory } from '../auth/keap-client.factory';
import { isRetryableKeapFailure, KeapUnavailableError } from '../auth/keap-failure';
import type { CreateFieldBody, NewFieldType } from './keap-pickers.dto';

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

// Keap calls are the scarcest resource: the tag picker is read from Keap once an hour at most,
// unless the user asks for a refresh (the field picker: the runtime's field model, its TTL).
const CACHE_TTL_SECONDS = 60 * 60;
// The last list Keap gave us, kept longer: served (marked stale) while Keap is down.
const LAST_KNOWN_TTL_SECONDS = 30 * 24 * 60 * 60;
// A person is waiting on the picker: one quick retry, then the last known list or a clear 503.
const PICKER_RETRY = { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1000 };

/** A picker's list; `stale` when Keap did not answer and the last known list is served instead. */
export interface PickerList<T> {
  items: T[];
  stale: boolean;
}

const CUSTOM_KINDS: Record<string, ContactFieldKind> = {
  EMAIL: 'email',
  PHONE_NUMBER: 'phone',
  NUMBER: 'number',
  NUMBER_DECIMAL: 'number',
  DECIMAL_NUMBER: 'number',
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
    private readonly crm: KeapCrmProvider,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /**
   * The account's fields from the runtime's field model (KeapCrmProvider's Redis cache, the one
   * copy of it): a read warms the runtime's copy, a refresh replaces it for the runtime too.
   */
  async fields(accountId: string, refresh = false): Promise<PickerList<FieldOption>> {
    return this.lastKnown(`pickers:${accountId}:fields`, async () =>
      fieldOptions(await this.crm.contactModelFor(accountId, { refresh, retry: PICKER_RETRY })),
    );
  }

  async tags(accountId: string, refresh = false): Promise<PickerList<TagOption>> {
    return this.cached(`pickers:${accountId}:tags`, refresh, async () => {
      const tags = await this.keap.clientFor(accountId, 'interactive', PICKER_RETRY).listAllTags();
      return tags.map(tagOption).sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  async createTag(accountId: string, name: string): Promise<TagOption> {
    const trimmed = name.trim();
    if (!trimmed) throw new InvalidInputError('Give the tag a name.');
    const tag = tagOption(
      await this.keap
        .clientFor(accountId, 'interactive', PICKER_RETRY)
        .createTag({ name: trimmed }),
    );
    // The cached list would miss the new tag: forget it so the next read includes it.
    await this.redis.del(`pickers:${accountId}:tags`, `pickers:${accountId}:tags:last`);
    return tag;
  }

  /**
   * Creates a contact custom field in Keap ("+" beside the field picker) and adds Keap's answer
   * to the cached field model: the picker lists it, and a tool saving to it publishes and runs,
   * with no further Keap read. A label the account's fields already have is refused first.
   */
  async createField(accountId: string, body: CreateFieldBody): Promise<FieldOption> {
    const known = (await this.fields(accountId)).items;
    if (known.some((f) => sameLabel(f.label, body.label))) throw new FieldExistsError(body.label);
    let created: KeapCustomFieldDefinition;
    try {
      created = await this.keap
        .clientFor(accountId, 'interactive', PICKER_RETRY)
        .createContactCustomField({
          label: body.label,
          field_type: KEAP_FIELD_TYPES[body.type],
          ...(body.options?.length ? { options: body.options.map((label) => ({ label })) } : {}),
        });
    } catch (err) {
      // Keap has a field of that label our list did not (made in Keap since, or by our own
      // retry after a lost answer): read the list again so the picker offers it.
      if (err instanceof KeapValidationError && err.status === 409) {
        await this.fields(accountId, true).catch(() => undefined);
        throw new FieldExistsError(body.label);
      }
      throw err;
    }
    const [option] = fieldOptions({ custom_fields: [created], optional_properties: [] }).filter(
      (f) => f.custom,
    );
    if (option) {
      await this.crm.addToContactModel(accountId, created);
      return option;
    }
    // Keap's answer did not name the field's key: its model, read again, does.
    const fresh = (await this.fields(accountId, true)).items;
    const listed = fresh.find((f) => f.custom && sameLabel(f.label, created.label ?? body.label));
    if (listed) return listed;
    throw new KeapUnavailableError(
      'Keap made the field but does not list it yet. Refresh the field list in a minute to pick it.',
    );
  }

  /**
   * The account's tag of each name (any letter case), created in Keap where it has none. The
   * cached list is read first; Keap's own list only when a name is missing from it, so a tag made
   * in Keap since is reused rather than made twice.
   */
  async findOrCreateTags(
    accountId: string,
    names: readonly string[],
  ): Promise<Map<string, TagOption>> {
    const found = new Map<string, TagOption>();
    const match = (tags: TagOption[]) => {
      for (const name of names) {
        const tag = tags.find((t) => t.name.trim().toLowerCase() === name.trim().toLowerCase());
        if (tag && !found.has(name)) found.set(name, tag);
      }
    };
    match((await this.tags(accountId)).items);
    if (found.size < names.length) match((await this.tags(accountId, true)).items);
    for (const name of names) {
      if (!found.has(name)) found.set(name, await this.createTag(accountId, name));
    }
    return found;
  }

  /**
   * The account's custom field keys if its field model is known (the runtime's cache, else the
   * list the picker last showed); never calls Keap.
   */
  async cachedCustomFieldKeys(accountId: string): Promise<string[] | undefined> {
    const model = await this.crm.cachedContactModelFor(accountId);
    const raw = model ? null : await this.redis.get(`pickers:${accountId}:fields:last`);
    const fields = model ? fieldOptions(model) : raw ? (JSON.parse(raw) as FieldOption[]) : null;
    return fields?.filter((f) => f.custom).map((f) => f.key);
  }

  /** The list from `load`, kept as the last known one; that one, marked stale, while Keap is down. */
  private async lastKnown<T>(key: string, load: () => Promise<T[]>): Promise<PickerList<T>> {
    const list = await this.loadOrLastKnown(key, load);
    if (!list.stale)
      await this.redis.set(`${key}:last`, JSON.stringify(list.items), 'EX', LAST_KNOWN_TTL_SECONDS);
    return list;
  }

  /** As lastKnown, and cached for CACHE_TTL_SECONDS: read from Keap again only on `refresh`. */
  private async cached<T>(
    key: string,
    refresh: boolean,
    load: () => Promise<T[]>,
  ): Promise<PickerList<T>> {
    if (!refresh) {
      const raw = await this.redis.get(key);
      if (raw) return { items: JSON.parse(raw) as T[], stale: false };
    }
    const list = await this.loadOrLastKnown(key, load);
    if (!list.stale) {
      const json = JSON.stringify(list.items);
      await this.redis
        .multi()
        .set(key, json, 'EX', CACHE_TTL_SECONDS)
        .set(`${key}:last`, json, 'EX', LAST_KNOWN_TTL_SECONDS)
        .exec();
    }
    return list;
  }

  /**
   * The fallback of both: the list from `load`, or, when Keap could not answer (a retryable
   * failure), the last known list marked stale; with none kept, Keap's failure.
   */
  private async loadOrLastKnown<T>(key: string, load: () => Promise<T[]>): Promise<PickerList<T>> {
    try {
      return { items: await load(), stale: false };
    } catch (err) {
      if (!isRetryableKeapFailure(err)) throw err;
      const last = await this.redis.get(`${key}:last`);
      if (last) return { items: JSON.parse(last) as T[], stale: true };
      throw err;
    }
  }
}

/** The engine's standard contact fields, then the account's custom ones from its field model. */
function fieldOptions(model: KeapContactModel): FieldOption[] {
  const custom: FieldOption[] = model.custom_fields.flatMap((def) => {
    const key = customFieldKey(def);
    if (!key) return [];
    return [
      {
        key,
        label: def.label ?? def.field_name ?? key,
        kind: CUSTOM_KINDS[def.field_type ?? ''] ?? 'text',
        custom: true,
      },
    ];
  });
  const standard = STANDARD_CONTACT_FIELDS.map((f) => ({
    key: f.key,
    label: f.label,
    kind: f.kind,
    custom: false,
  }));
  return [...standard, ...custom];
}

/** Keap's field type for each type the console offers. */
const KEAP_FIELD_TYPES: Record<NewFieldType, string> = {
  text: 'TEXT',
  number: 'WHOLE_NUMBER',
  decimal: 'DECIMAL_NUMBER',
  date: 'DATE',
  dropdown: 'DROPDOWN',
};

function sameLabel(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The account already has a field of that label: two would look the same in every picker. */
export class FieldExistsError extends DomainError {
  readonly status = 409;
  readonly code = 'keap_field_exists';
  constructor(label: string) {
    super(
      `There is already a field called “${label.trim()}”. Pick it from the list, or give the new field another name.`,
    );
  }
}

function tagOption(tag: KeapTag): TagOption {
  return { id: Number(tag.id), name: tag.name, category: tag.category?.id ?? null };
}
