import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConversationRuntime } from '../conversations/conversation-runtime.service';
import { ConversationRepository } from '../conversations/conversation.repository';
import { KeapCallsPerConversation } from '../conversations/keap-calls-per-conversation';
import { OutboxPublisher } from '../outbox/outbox.publisher';
import { OutboxRepository } from '../outbox/outbox.repository';
import { type Crm, CrmError, CrmProvider } from '../ports/crm.port';
import { RedisLock } from '../redis/redis-lock';

/**
 * How long one flush holds its conversation against another. Outlasts any wait for the Keap
 * budget: two flushes at once could land an older value after a newer one. A crashed holder only
 * delays the saves.
 */
const FLUSH_LEASE_MS = 10 * 60_000;
/** How long a flush waits for one running; then its job retries (the running one may finish it). */
const FLUSH_WAIT_MS = 10_000;

/** The saves of the same conversation and why they are not all in Keap yet. */
export class FieldSavesPendingError extends Error {
  constructor(conversationId: string, cause: unknown) {
    super(
      `The replies conversation ${conversationId} saves are not in Keap yet: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = new.target.name;
  }
}

/** A field's outcome: `'saved'`, or the error that kept it out of Keap. */
type Outcome = unknown;

/**
 * A conversation's field saves go to Keap as ONE contact update (a reply's `save_field` row waits
 * for company; `FIELD_SAVE_MAX_DELAY_MS` bounds the wait). What takes them there: a tag, goal or
 * note of the conversation (`landBefore`, `landAll`: a Keap campaign the tag starts reads the
 * answers), the conversation's end (its rows are queued at once), or a row coming due. The outbox
 * rows are the truth: a flush reads the pending ones, sends their fields (a field saved twice keeps
 * the later reply's value) and marks them done in one transaction, with a `field_saved` event per
 * field as the transcript shows it.
 */
@Injectable()
export class FieldSaves {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly conversations: ConversationRepository,
    private readonly runtime: ConversationRuntime,
    private readonly crm: CrmProvider,
    private readonly publisher: OutboxPublisher,
    private readonly lock: RedisLock,
    @Optional() private readonly keapCalls?: KeapCallsPerConversation,
  ) {}

  /** The `save_field` job: its row (and the conversation's others) to Keap, unless done. */
  async saveDue(outboxId: string): Promise<void> {
    const entry = await this.outbox.byId(outboxId);
    if (!entry || entry.doneAt || !entry.conversationId) return;
    await this.flush(entry.conversationId);
    await this.handOverGoals(entry.conversationId);
  }

  /**
   * Before the row `outboxId` (a tag, a goal) goes to Keap: the field saves asked for with it or
   * before are in Keap, or done for good. Throws when they are not (its job retries).
   */
  async landBefore(outboxId: string): Promise<void> {
    if (!(await this.outbox.savesPendingBefore(outboxId))) return;
    const entry = await this.outbox.byId(outboxId);
    if (!entry?.conversationId) return;
    await this.flush(entry.conversationId);
  }

  /** Every pending field save of the conversation is in Keap (before its note); else throws. */
  async landAll(conversationId: string): Promise<void> {
    if ((await this.outbox.pendingOf(conversationId, 'save_field')).length === 0) return;
    await this.flush(conversationId);
  }

  /**
   * Sends the conversation's pending saves, one flush at a time per conversation. Throws when any
   * is still pending after it (Keap failed and will be asked again).
   */
  async flush(conversationId: string): Promise<void> {
    try {
      await this.lock.withLock(
        `field-saves:${conversationId}`,
        () => this.flushHeld(conversationId),
        { leaseMs: FLUSH_LEASE_MS, waitMs: FLUSH_WAIT_MS },
      );
    } catch (err) {
      throw err instanceof CrmError ? err : new FieldSavesPendingError(conversationId, err);
    }
  }

  private async flushHeld(conversationId: string): Promise<void> {
    const saves = await this.outbox.pendingFieldSaves(conversationId);
    if (saves.length === 0) return;
    const conversation = await this.conversations.get(conversationId);
    const contactId = conversation.contactId;
    if (contactId === null) {
      await this.dataSource.transaction(async (m) => {
        for (const s of saves) await this.outbox.markDone(s.id, NO_CONTACT, m);
      });
      await this.keapCalls?.observeIfDone(conversationId);
      return;
    }
    // Reply order: a field saved twice keeps the later value.
    const fields: Record<string, string> = {};
    for (const s of saves) fields[s.field] = s.value;
    const calls: Record<string, number> = {};
    const outcomes = new Map<string, Outcome>();
    try {
      // Once the conversation is over nobody waits for this: it goes behind conversation work.
      const crm = await this.crm.crmFor(conversation.accountId, {
        priority: conversation.endedAt ? 'background' : 'interactive',
        onCall: (k) => (calls[k] = (calls[k] ?? 0) + 1),
      });
      await this.send(crm, contactId, fields, outcomes);
    } catch (err) {
      for (const field of Object.keys(fields)) if (!outcomes.has(field)) outcomes.set(field, err);
    }

    let retry: unknown = null;
    await this.dataSource.transaction(async (m) => {
      // In the transaction that marks the rows done: whoever sees them done sees these calls.
      await this.runtime.recordKeapCalls(conversationId, calls, m);
      for (const [field, outcome] of outcomes) {
        const ids = saves.filter((s) => s.field === field).map((s) => s.id);
        if (outcome === 'saved') {
          // The event once, for rows still pending (a run whose lease lapsed may have done them).
          if ((await this.outbox.claimAll(ids, m)).length > 0)
            await this.runtime.recordEvent(m, conversationId, 'field_saved', {
              field,
              value: fields[field],
            });
        } else if (outcome instanceof CrmError && !outcome.retryable) {
          // No retry can cure it (the value refused, the grant gone): stopped, its reason shown.
          for (const id of ids) await this.outbox.markDone(id, outcome.message, m);
          await this.runtime.recordEvent(m, conversationId, 'keap_work_stopped', {
            work: 'save_field',
            field,
            reason: outcome.message,
            ...(outcome.code ? { code: outcome.code } : {}),
          });
        } else {
          retry ??= outcome;
          for (const id of ids) await this.outbox.recordFailedAttempt(id, String(outcome), m);
        }
      }
    });
    await this.keapCalls?.observeIfDone(conversationId);
    if (retry !== null) throw retry;
  }

  /**
   * One update with every field. When Keap refuses it for good and it carried several fields (one
   * value a field cannot take), each goes alone, so one bad answer does not lose the others; a
   * failure that would refuse them all (the grant gone, Keap down) ends the flush.
   */
  private async send(
    crm: Crm,
    contactId: number,
    fields: Record<string, string>,
    outcomes: Map<string, Outcome>,
  ): Promise<void> {
    const names = Object.keys(fields);
    try {
      await crm.saveFields(contactId, fields);
      for (const field of names) outcomes.set(field, 'saved');
      return;
    } catch (err) {
      if (names.length === 1 || !(err instanceof CrmError) || err.retryable || err.code) throw err;
    }
    for (const field of names) {
      try {
        await crm.saveFields(contactId, { [field]: fields[field]! });
        outcomes.set(field, 'saved');
      } catch (err) {
        outcomes.set(field, err);
        if (!(err instanceof CrmError) || err.retryable || err.code) throw err;
      }
    }
  }

  /** Goals of the conversation that found its saves pending go now (the relay would, later). */
  private async handOverGoals(conversationId: string): Promise<void> {
    for (const id of await this.outbox.pendingOf(conversationId, 'achieve_goal'))
      await this.publisher.publishAgain({ id, kind: 'achieve_goal' });
  }
}

const NO_CONTACT = 'the conversation has no Keap contact';
