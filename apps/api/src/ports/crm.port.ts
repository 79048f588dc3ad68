import type { ApiGoal, ContactFieldKey, ContactSnapshot, TagId } from '@sms-seq/engine';

/**
 * What the runtime needs from the CRM, in the product's words. The Keap adapter
 * (`keap-crm.ts`) implements it over `@sms-seq/crm-keap`; the runtime never sees a Keap type.
 */
export interface Crm {
  /** The contact with the fields a sequence reads; null when it does not exist. */
  readContact(contactId: number): Promise<ContactSnapshot | null>;
  /**
   * Finds the contact by email (or by phone when email is null) and stores the phone in
   * `phoneField`, or creates it with both. Never creates a duplicate. `created`: it was not
   * there and was created now (the transcript says "created", not "found").
   */
  findOrCreateContact(query: {
    email: string | null;
    phone: string;
    phoneField: ContactFieldKey;
  }): Promise<{ contact: ContactSnapshot; created: boolean }>;
  /**
   * Applying a tag the contact already has is harmless. Applies of the same tag close together
   * may go to the CRM as one call; each caller learns its own contact's outcome.
   */
  applyTag(contactId: number, tagId: TagId): Promise<void>;
  /** Saves several of the contact's fields in one write (each field once: its value to keep). */
  saveFields(contactId: number, fields: Record<ContactFieldKey, string>): Promise<void>;
  /**
   * Achieves a campaign's API goal. Not safe to repeat (the campaign may run again) and not
   * checkable afterwards: the caller asks once per piece of work.
   */
  achieveGoal(contactId: number, goal: ApiGoal): Promise<void>;
  /**
   * Creates a note of `parts` (in order) and answers its id. Each part's text contains its
   * `marker` (unique to it): when `maybeWritten` (an earlier attempt's outcome is unknown), or
   * after an answer that may hide a committed write, a note of this title carrying any of the
   * markers is answered instead of a new one, with the parts it lacks appended.
   */
  createNote(
    contactId: number,
    title: string,
    parts: readonly NotePart[],
    options: { maybeWritten: boolean },
  ): Promise<string>;
  /** Appends the parts (in order) whose marker the note does not carry yet; none: no write. */
  appendToNote(contactId: number, noteId: string, parts: readonly NotePart[]): Promise<void>;
}

/** One text of a note (a conversation's transcript) and what marks it as written there. */
export interface NotePart {
  text: string;
  marker: string;
}

/** Work a contact waits on goes ahead of work nobody waits on (notes, tags after the end). */
export type CrmPriority = 'interactive' | 'background';

export interface CrmCallOptions {
  priority: CrmPriority;
  /** Told of every CRM call made (by kind, e.g. `contacts.read`), to count them per conversation. */
  onCall?: (kind: string) => void;
}

/** Hands out a Crm that acts as one account. */
export abstract class CrmProvider {
  abstract crmFor(accountId: string, options: CrmCallOptions): Promise<Crm>;

  /**
   * Runs `work` with a Crm once the shared CRM budget lets the first call of a note write
   * (`first`) go out, and answers what it answers: what the work reads before that call (which
   * transcripts are waiting) is as late as it can be. A turn the work leaves unused is given back.
   */
  abstract crmAtTurn<T>(
    accountId: string,
    options: CrmCallOptions,
    first: 'createNote' | 'appendToNote',
    work: (crm: Crm) => Promise<T>,
  ): Promise<T>;
}

/** A CRM failure in the runtime's words: retry later, or give up on this piece of work. */
export class CrmError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /**
     * `keap_disconnected`: the account's Keap grant is gone (nothing for it reaches Keap).
     * `refused_for_contact`: the CRM refused this contact alone (a deleted contact, say); retried
     * a few times, then given up with the reason.
     */
    readonly code?: 'keap_disconnected' | 'refused_for_contact',
  ) {
    super(message);
    this.name = new.target.name;
  }
}
