import type { ContactFieldKey, ContactSnapshot } from '@sms-seq/engine';
import {
  SEQUENCE_CONTACT_FIELDS,
  toContactSnapshot,
  contactListsWritten,
  toContactWrite,
} from './contact-fields.mapper';
import { KeapNetworkError, KeapServerError, KeapValidationError } from './errors';
import { KeapHttp, type KeapHttpOptions, type KeapRequest } from './keap-http';
import type { KeapCallPriority } from './request-gate';
import {
  KEAP_PHONE_FIELDS,
  type KeapContact,
  type KeapContactModel,
  type KeapContactWrite,
  type KeapCustomFieldCreate,
  type KeapCustomFieldDefinition,
  type KeapNote,
  type KeapPage,
  type KeapPhoneField,
  type KeapTag,
  type KeapUserInfo,
} from './keap.types';

export interface KeapClientOptions extends KeapHttpOptions {
  /** Priority of calls that name none; conversation work is `interactive`. */
  priority?: KeapCallPriority;
  /** Keap user notes are written as (notes require a user_id); found through userinfo when absent. */
  noteUserId?: string;
  /**
   * Shared home of what is read once per account (the field model, the note user), e.g. in
   * Redis, so that short-lived clients do not spend a Keap call on it each time. Without it each
   * is kept for the life of this client.
   */
  accountCache?: KeapAccountCache;
}

/**
 * Per-account data worth one Keap read for many clients. Each method answers the cached value,
 * or calls `read` (once per account at a time: concurrent callers share that read) and keeps it.
 */
export interface KeapAccountCache {
  /** The field model; `refresh` reads it from Keap again and replaces the cached one. */
  contactModel(
    accountId: string,
    read: () => Promise<KeapContactModel>,
    options?: { refresh?: boolean },
  ): Promise<KeapContactModel>;
  /** The Keap user id notes are written as. */
  noteUser(accountId: string, read: () => Promise<string>): Promise<string>;
}

export type ApplyTagResult = 'applied' | 'already_applied';
/** One contact's part of a multi-contact apply: done, or refused by Keap for this contact only. */
export type ApplyTagOutcome = ApplyTagResult | { failed: string };

/**
 * Most contacts one `ids==` list call may answer: the spec's `page_size` maximum for
 * listContacts, so every asked contact fits on the first page.
 */
export const KEAP_MAX_IDS_PER_LIST = 1000;
/**
 * Longest `ids==` list sent in one call. Keap's gateway (Apigee) answers 414 to a request line over
 * 7,168 bytes; the path, `fields` and the rest take about 350 of them. Five-digit ids fit 1,000 to
 * a call; longer ids split earlier.
 */
export const KEAP_MAX_IDS_FILTER_CHARS = 6000;
/** What a multi-contact apply reports for a contact Keap's `results` left out. */
export const KEAP_NO_ANSWER_FOR_CONTACT = 'Keap did not answer for this contact';
/** `no_goal`: Keap answered no result: no campaign has an API goal of those names. */
export type AchieveGoalResult = 'achieved' | 'no_goal';

/** One text of a note (a run's transcript) and what marks it as written (unique to it). */
export interface KeapNotePart {
  text: string;
  marker: string;
}

/**
 * Keap REST v2 for one account (one Keap app). Every method is one HTTP call unless it says
 * otherwise, because Keap calls are the scarcest resource the product has.
 */
export class KeapClient {
  private readonly http: KeapHttp;
  private readonly counts = new Map<string, number>();
  private noteUserId: string | undefined;
  private model: KeapContactModel | undefined;

  constructor(
    private readonly options: KeapClientOptions,
    http?: KeapHttp,
  ) {
    this.noteUserId = options.noteUserId;
    this.http =
      http ??
      new KeapHttp({
        ...options,
        onCall: (call) => {
          this.counts.set(call.kind, (this.counts.get(call.kind) ?? 0) + 1);
          options.onCall?.(call);
        },
      });
  }

  /** HTTP attempts sent so far, by kind (`contacts.get`, `tags.apply`, ...), retries included. */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  // ------------------------------------------------------------------ contacts

  /** The contact with the fields a sequence needs (names, emails, phones, custom fields). */
  getContact(
    contactId: number | string,
    fields: readonly string[] = SEQUENCE_CONTACT_FIELDS,
  ): Promise<KeapContact> {
    return this.call<KeapContact>({
      kind: 'contacts.get',
      method: 'GET',
      path: `/rest/v2/contacts/${encodeURIComponent(String(contactId))}`,
      params: { fields: fields.join(',') },
    });
  }

  /** The contact as the engine sees it; two calls the first time (the field model is kept). */
  async getContactSnapshot(contactId: number | string): Promise<ContactSnapshot> {
    const [contact, model] = await Promise.all([
      this.getContact(contactId),
      this.getContactModel(),
    ]);
    return toContactSnapshot(contact, model);
  }

  /**
   * Many contacts in one `GET /contacts?filter=ids==…` (more calls only past
   * `KEAP_MAX_IDS_PER_LIST` ids or `KEAP_MAX_IDS_FILTER_CHARS` of them). An id Keap does not
   * return (no such contact) is simply absent from the map; duplicates are asked once.
   */
  async getContactsByIds(ids: readonly (number | string)[]): Promise<Map<number, KeapContact>> {
    const wanted = [...new Set(ids.map(contactIdOf))];
    const pages = await Promise.all(
      idChunks(wanted).map((chunk) =>
        this.call<{ contacts?: KeapContact[] }>({
          kind: 'contacts.list',
          method: 'GET',
          path: '/rest/v2/contacts',
          params: {
            filter: `ids==${chunk.join(',')}`,
            fields: SEQUENCE_CONTACT_FIELDS.join(','),
            order_by: 'id asc',
            page_size: chunk.length,
          },
        }),
      ),
    );
    const asked = new Set(wanted);
    const found = new Map<number, KeapContact>();
    for (const page of pages)
      for (const contact of page.contacts ?? []) {
        const id = Number(contact.id);
        // Only what was asked for, should Keap ever widen the filter.
        if (asked.has(id)) found.set(id, contact);
      }
    return found;
  }

  /** `getContactsByIds` as the engine sees the contacts (the field model read as for one). */
  async getContactSnapshotsByIds(
    ids: readonly (number | string)[],
  ): Promise<Map<number, ContactSnapshot>> {
    if (ids.length === 0) return new Map();
    const [contacts, model] = await Promise.all([
      this.getContactsByIds(ids),
      this.getContactModel(),
    ]);
    return new Map([...contacts].map(([id, contact]) => [id, toContactSnapshot(contact, model)]));
  }

  /** Contacts having this email in any email slot, oldest first. */
  async findContactsByEmail(email: string): Promise<KeapContact[]> {
    const value = email.trim();
    if (!/^[^\s@;]+@[^\s@;]+$/.test(value) || value.includes('*')) {
      throw new KeapValidationError(`Not an email address Keap can search for: ${email}`, 400);
    }
    return this.listContacts(`email==${value}`);
  }

  /** Contacts with this phone number in the given phone fields (all five by default), oldest first. */
  findContactsByPhone(
    phoneE164: string,
    phoneFields: readonly KeapPhoneField[] = KEAP_PHONE_FIELDS,
  ): Promise<KeapContact[]> {
    if (!/^\+?[0-9]{4,15}$/.test(phoneE164))
      throw new KeapValidationError(`Not a phone number: ${phoneE164}`, 400);
    return this.listContacts(`phone_number==${phoneE164};phone_fields==${phoneFields.join(',')}`);
  }

  createContact(
    body: KeapContactWrite,
    options: { duplicateOption?: 'Email' | 'EmailAndName' | 'EmailAndNameAndCompany' } = {},
  ): Promise<KeapContact> {
    return this.call<KeapContact>({
      kind: 'contacts.create',
      method: 'POST',
      path: '/rest/v2/contacts',
      params: {
        fields: SEQUENCE_CONTACT_FIELDS.join(','),
        duplicate_option: options.duplicateOption,
      },
      body,
    });
  }

  /** PATCH with `update_mask`, so properties left out of the body are left alone. */
  updateContact(
    contactId: number | string,
    body: KeapContactWrite,
    updateMask: string[] = Object.keys(body),
  ): Promise<KeapContact> {
    return this.call<KeapContact>({
      kind: 'contacts.update',
      method: 'PATCH',
      path: `/rest/v2/contacts/${encodeURIComponent(String(contactId))}`,
      params: { update_mask: updateMask, fields: SEQUENCE_CONTACT_FIELDS.join(',') },
      body,
    });
  }

  /**
   * Saves values by merge-field key (`FirstName`, `Phone1`, `_Budget`); reads the model once.
   * Keap replaces a contact's email addresses, phone numbers, fax numbers and addresses whole, so
   * a change to one goes with the others as they are: from `current` (the contact as read) when it
   * has those lists, else read first (one `contacts.get` of just those lists).
   */
  async updateContactFields(
    contactId: number | string,
    updates: Record<ContactFieldKey, string>,
    current?: KeapContact,
  ): Promise<KeapContact> {
    const lists = contactListsWritten(Object.keys(updates));
    const missing = lists.filter((list) => current?.[list] === undefined);
    const as =
      missing.length === 0
        ? current
        : { ...current, ...(await this.getContact(contactId, ['id', ...missing])) };
    const plan = toContactWrite(updates, await this.getContactModel(), as);
    return this.updateContact(contactId, plan.body, plan.updateMask);
  }

  /**
   * Finds the contact by email and updates it, or creates it — never a duplicate. The race (two
   * workers both find nothing and both create) is closed by creating with
   * `duplicate_option=Email`: Keap then updates the contact the other worker just made instead
   * of making a second one. When several contacts already share the email, the oldest is used.
   * A found contact is written with its other email addresses and phone numbers as the search
   * read them (no extra read), since Keap would remove those left out.
   */
  async createOrUpdateByEmail(
    email: string,
    updates: Record<ContactFieldKey, string> = {},
  ): Promise<{ contact: KeapContact; created: boolean }> {
    const model = await this.getContactModel();
    const [existing] = await this.findContactsByEmail(email);
    if (existing) {
      // Found by this email (in whichever slot), so it is not written again.
      const { Email: _found, ...rest } = updates;
      if (Object.keys(rest).length === 0) return { contact: existing, created: false };
      return {
        contact: await this.updateContactFields(existing.id, rest, existing),
        created: false,
      };
    }
    const plan = toContactWrite({ ...updates, Email: email.trim() }, model);
    const contact = await this.createContact(plan.body, { duplicateOption: 'Email' });
    return { contact, created: true };
  }

  private async listContacts(filter: string): Promise<KeapContact[]> {
    const res = await this.call<{ contacts?: KeapContact[] }>({
      kind: 'contacts.list',
      method: 'GET',
      path: '/rest/v2/contacts',
      params: {
        filter,
        fields: SEQUENCE_CONTACT_FIELDS.join(','),
        order_by: 'id asc',
        page_size: 50,
      },
    });
    return res.contacts ?? [];
  }

  // ------------------------------------------------------------------ field model

  /** Custom fields and optional properties; cached (see `accountCache`) unless `refresh`. */
  async getContactModel(options: { refresh?: boolean } = {}): Promise<KeapContactModel> {
    if (this.model && !options.refresh) return this.model;
    const cache = this.options.accountCache;
    this.model = cache
      ? await cache.contactModel(this.options.accountId, () => this.readContactModel(), options)
      : await this.readContactModel();
    return this.model;
  }

  private async readContactModel(): Promise<KeapContactModel> {
    const model = await this.call<Partial<KeapContactModel>>({
      kind: 'contacts.model',
      method: 'GET',
      path: '/rest/v2/contacts/model',
    });
    return {
      custom_fields: model.custom_fields ?? [],
      optional_properties: model.optional_properties ?? [],
    };
  }

  /**
   * Creates a contact custom field; Keap answers its definition (id, field_name). A copy of the
   * field model kept elsewhere (`accountCache`) does not have it until refreshed or updated.
   */
  createContactCustomField(input: KeapCustomFieldCreate): Promise<KeapCustomFieldDefinition> {
    return this.call<KeapCustomFieldDefinition>({
      kind: 'fields.create',
      method: 'POST',
      path: '/rest/v2/contacts/model/customFields',
      body: input,
    });
  }

  // ------------------------------------------------------------------ tags

  async listTags(
    options: { pageSize?: number; pageToken?: string; name?: string } = {},
  ): Promise<KeapPage<KeapTag>> {
    const res = await this.call<{ tags?: KeapTag[]; next_page_token?: string }>({
      kind: 'tags.list',
      method: 'GET',
      path: '/rest/v2/tags',
      params: {
        page_size: options.pageSize ?? 1000,
        page_token: options.pageToken,
        filter: options.name === undefined ? undefined : `name==${options.name}`,
      },
    });
    return { items: res.tags ?? [], nextPageToken: res.next_page_token || null };
  }

  /** Every tag, page after page (one call per page). */
  async listAllTags(pageSize = 1000): Promise<KeapTag[]> {
    const all: KeapTag[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.listTags({ pageSize, ...(pageToken ? { pageToken } : {}) });
      all.push(...page.items);
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return all;
  }

  createTag(input: { name: string; description?: string }): Promise<KeapTag> {
    return this.call<KeapTag>({
      kind: 'tags.create',
      method: 'POST',
      path: '/rest/v2/tags',
      body: input,
    });
  }

  /**
   * Applying a tag the contact already has changes nothing, so retries are safe. Keap refusing
   * the contact is a KeapValidationError; no answer for it, a retryable KeapServerError.
   */
  async applyTag(tagId: number | string, contactId: number | string): Promise<ApplyTagResult> {
    const outcome = (await this.applyTagToContacts(tagId, [contactId])).get(contactIdOf(contactId));
    if (outcome === 'applied' || outcome === 'already_applied') return outcome;
    const reason = outcome?.failed ?? KEAP_NO_ANSWER_FOR_CONTACT;
    const message = `Keap did not apply tag ${tagId} to contact ${contactId}: ${reason}`;
    if (reason === KEAP_NO_ANSWER_FOR_CONTACT) throw new KeapServerError(message, 200);
    throw new KeapValidationError(message, 200);
  }

  /**
   * One tag to many contacts in one `applyTags` call. Keap answers a status per contact, so each
   * contact has its own outcome: `SUCCESS` is applied, `DUPLICATE` already applied, anything else
   * (or no status at all) a failure of that contact alone. A call that fails as a whole throws.
   */
  async applyTagToContacts(
    tagId: number | string,
    contactIds: readonly (number | string)[],
  ): Promise<Map<number, ApplyTagOutcome>> {
    const ids = [...new Set(contactIds.map(contactIdOf))];
    if (ids.length === 0) return new Map();
    const res = await this.call<{ results?: Record<string, string> }>({
      kind: 'tags.apply',
      method: 'POST',
      path: `/rest/v2/tags/${encodeURIComponent(String(tagId))}/contacts:applyTags`,
      body: { contact_ids: ids.map(String) },
    });
    const results = res.results ?? {};
    return new Map(
      ids.map((id): [number, ApplyTagOutcome] => {
        const status = results[String(id)];
        if (status === 'SUCCESS') return [id, 'applied'];
        if (status === 'DUPLICATE') return [id, 'already_applied'];
        return [id, { failed: status ? `Keap answered ${status}` : KEAP_NO_ANSWER_FOR_CONTACT }];
      }),
    );
  }

  // ------------------------------------------------------------------ goals

  /**
   * Achieves a campaign's API goal (as named in the campaign builder) for the contact. Unlike a
   * tag, Keap cannot be asked afterwards whether it was achieved: callers make sure they ask once.
   */
  async achieveGoal(
    goal: { integration: string; callName: string },
    contactId: number | string,
  ): Promise<AchieveGoalResult> {
    const res = await this.call<{ results?: { success?: boolean; message?: string }[] }>({
      kind: 'goals.achieve',
      method: 'POST',
      path: '/rest/v2/automations/goals/achieve',
      body: {
        integration: goal.integration,
        call_name: goal.callName,
        contact_id: Number(contactId),
      },
    });
    const results = res.results ?? [];
    const refused = results.find((r) => r.success === false);
    if (refused)
      throw new KeapValidationError(
        `Keap did not achieve goal ${goal.integration}.${goal.callName} for contact ${contactId}: ${refused.message ?? 'no reason given'}`,
        200,
      );
    return results.length > 0 ? 'achieved' : 'no_goal';
  }

  // ------------------------------------------------------------------ notes

  /**
   * Creates a note. With a `marker` (a text unique to this write, e.g. the conversation id, that
   * `input.text` contains) it is written at most once even when Keap's answer is lost: after a 5xx
   * or no answer it first looks for a note of the same title carrying the marker, and answers that
   * one instead of creating another. `lookFirst` looks before the first attempt too (a retry of
   * earlier work whose outcome is unknown). With `parts` (texts each carrying its own marker,
   * joined by `separator`): a note found carrying any of the markers gets the parts it lacks
   * appended (one update, no further read), so a retry that brings more parts than the lost write
   * adds only those.
   */
  async createNote(
    contactId: number | string,
    input:
      | { title: string; text: string; type?: string; marker?: string }
      | { title: string; parts: readonly KeapNotePart[]; type?: string },
    options: { lookFirst?: boolean; separator?: string } = {},
  ): Promise<KeapNote> {
    const userId = await this.noteUser();
    const separator = options.separator ?? NOTE_SEPARATOR;
    const parts: readonly KeapNotePart[] | null =
      'parts' in input
        ? input.parts
        : input.marker
          ? [{ text: input.text, marker: input.marker }]
          : null;
    const text = 'parts' in input ? joinParts(input.parts, separator) : input.text;
    const create = (): Promise<KeapNote> =>
      this.call<KeapNote>({
        kind: 'notes.create',
        method: 'POST',
        path: `/rest/v2/contacts/${encodeURIComponent(String(contactId))}/notes`,
        body: {
          title: input.title,
          text,
          type: input.type ?? 'Other',
          user_id: userId,
        },
        // With a marker, an answer that may hide a committed write is ours to check, not resent.
        ...(parts ? { retryAmbiguous: false } : {}),
      });
    if (!parts || parts.length === 0) return create();
    const markers = parts.map((p) => p.marker);
    for (let attempt = 1; ; attempt += 1) {
      if (options.lookFirst || attempt > 1) {
        const existing = await this.findNote(contactId, { title: input.title, marker: markers });
        if (existing) return this.appendMissing(contactId, existing, parts, separator);
      }
      try {
        return await create();
      } catch (err) {
        const ambiguous = err instanceof KeapServerError || err instanceof KeapNetworkError;
        if (!ambiguous || attempt >= this.http.maxAttempts) throw err;
        await this.http.pauseBeforeRetry(attempt);
      }
    }
  }

  /**
   * The contact's note with this title (Keap matches `title==` anywhere in the title) whose text
   * carries `marker` (with several: any of them); one call (a page of up to 1,000 notes).
   */
  async findNote(
    contactId: number | string,
    query: { title: string; marker: string | readonly string[] },
  ): Promise<KeapNote | null> {
    const markers = typeof query.marker === 'string' ? [query.marker] : query.marker;
    const res = await this.call<{ notes?: KeapNote[] }>({
      kind: 'notes.list',
      method: 'GET',
      path: `/rest/v2/contacts/${encodeURIComponent(String(contactId))}/notes`,
      params: { filter: titleFilter(query.title), page_size: 1000 },
    });
    return (
      (res.notes ?? []).find(
        (n) => (n.title ?? '') === query.title && markers.some((m) => (n.text ?? '').includes(m)),
      ) ?? null
    );
  }

  getNote(contactId: number | string, noteId: number | string): Promise<KeapNote> {
    return this.call<KeapNote>({
      kind: 'notes.get',
      method: 'GET',
      path: `/rest/v2/contacts/${encodeURIComponent(String(contactId))}/notes/${encodeURIComponent(String(noteId))}`,
    });
  }

  async updateNote(
    contactId: number | string,
    noteId: number | string,
    input: { title?: string; text?: string },
  ): Promise<KeapNote> {
    const userId = await this.noteUser();
    const body = { ...input, user_id: userId };
    return this.call<KeapNote>({
      kind: 'notes.update',
      method: 'PATCH',
      path: `/rest/v2/contacts/${encodeURIComponent(String(contactId))}/notes/${encodeURIComponent(String(noteId))}`,
      params: { update_mask: Object.keys(input) },
      body,
    });
  }

  /**
   * Appends to a note (read, then write the whole text: Keap has no append). Two appends to the
   * same note at once could lose one, so callers serialise them per note (one queue job at a time).
   * With a `marker` (contained in `text`), a note that already carries it is left as it is: a
   * retry after a lost answer does not append the same text twice. With `parts` instead of a text,
   * only the parts whose marker the note lacks are appended, in order (none: no write).
   */
  async appendToNote(
    contactId: number | string,
    noteId: number | string,
    text: string | readonly KeapNotePart[],
    options: { separator?: string; marker?: string } = {},
  ): Promise<KeapNote> {
    const note = await this.getNote(contactId, noteId);
    const separator = options.separator ?? NOTE_SEPARATOR;
    if (typeof text !== 'string') return this.appendMissing(contactId, note, text, separator);
    if (options.marker && (note.text ?? '').includes(options.marker)) return note;
    const merged = note.text ? `${note.text}${separator}${text}` : text;
    return this.updateNote(contactId, noteId, { text: merged });
  }

  /** The parts `note` (as just read) does not carry yet, appended in one update; none: no call. */
  private async appendMissing(
    contactId: number | string,
    note: KeapNote,
    parts: readonly KeapNotePart[],
    separator: string,
  ): Promise<KeapNote> {
    const current = note.text ?? '';
    const missing = parts.filter((p) => !current.includes(p.marker));
    if (missing.length === 0) return note;
    const added = joinParts(missing, separator);
    const merged = current ? `${current}${separator}${added}` : added;
    return this.updateNote(contactId, note.id, { text: merged });
  }

  /**
   * Reads what a note write needs before its own call (the user notes are written as: once per
   * account, then from the account cache), so that a caller holding a grant for the write's first
   * call does not hold it while that read waits in the budget.
   */
  async prepareNoteWrite(): Promise<void> {
    await this.noteUser();
  }

  getUserInfo(): Promise<KeapUserInfo> {
    return this.call<KeapUserInfo>({
      kind: 'oauth.userinfo',
      method: 'GET',
      path: '/rest/v2/oauth/connect/userinfo',
    });
  }

  /**
   * The user notes are written as: the signed-in user's `sub` (the subject: the user's id in this
   * Keap app, what a note's `user_id` names). Not `id`: that is the global (cross-app) user id.
   */
  private async noteUser(): Promise<string> {
    if (this.noteUserId) return this.noteUserId;
    const read = async (): Promise<string> => {
      const info = await this.getUserInfo();
      const id = info.sub;
      if (!id)
        throw new KeapValidationError('Keap userinfo carried no user id to write notes as', 200);
      return String(id);
    };
    const cache = this.options.accountCache;
    this.noteUserId = cache ? await cache.noteUser(this.options.accountId, read) : await read();
    return this.noteUserId;
  }

  private async call<T>(request: KeapRequest): Promise<T> {
    return (await this.http.send<T>(request, this.options.priority ?? 'interactive')).data;
  }
}

/** A Keap contact id as a number: a whole number from 1 up (Keap's ids are numeric). */
function contactIdOf(id: number | string): number {
  const text = String(id).trim();
  const n = Number(text);
  if (!/^[0-9]{1,15}$/.test(text) || n < 1)
    throw new KeapValidationError(`Not a Keap contact id: ${String(id)}`, 400);
  return n;
}

/** Ids in groups one `ids==` list call carries (see KEAP_MAX_IDS_PER_LIST and …_FILTER_CHARS). */
function idChunks(ids: readonly number[]): number[][] {
  const chunks: number[][] = [];
  let chunk: number[] = [];
  let chars = 0;
  for (const id of ids) {
    const digits = String(id).length;
    if (
      chunk.length > 0 &&
      (chunk.length >= KEAP_MAX_IDS_PER_LIST || chars + 1 + digits > KEAP_MAX_IDS_FILTER_CHARS)
    ) {
      chunks.push(chunk);
      chunk = [];
      chars = 0;
    }
    chars += (chunk.length > 0 ? 1 : 0) + digits; // the comma before it, then the id
    chunk.push(id);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** Between the texts of one note (its runs). */
const NOTE_SEPARATOR = '\n\n';

function joinParts(parts: readonly KeapNotePart[], separator: string): string {
  return parts.map((p) => p.text).join(separator);
}

/**
 * A note search by title. Keap's filter has no escape: `;` starts another clause and `*` is a
 * wildcard. `title==` matches anywhere in the title, so the longest run of the title free of them
 * finds the note, and findNote then keeps only the exact title. None at all: no filter.
 */
function titleFilter(title: string): string | undefined {
  const longest = title
    .split(/[;,*]/)
    .map((part) => part.trim())
    .reduce((a, b) => (b.length > a.length ? b : a), '');
  return longest ? `title==${longest}` : undefined;
}
