import { Injectable, Optional } from '@nestjs/common';
import type { ApiGoal, ContactSnapshot, TagId } from '@sms-seq/engine';
import { DataSource } from 'typeorm';
import { ConversationRuntime } from '../conversations/conversation-runtime.service';
import { ConversationRepository } from '../conversations/conversation.repository';
import { CrmError, CrmProvider } from '../ports/crm.port';
import { KeapCallsPerConversation } from '../conversations/keap-calls-per-conversation';
import type { OutboxEntry } from '../outbox/outbox-entry.entity';
import { OutboxRepository } from '../outbox/outbox.repository';
import { LockTimeoutError, RedisLock } from '../redis/redis-lock';
import { FieldSaves } from './field-saves';

/** Tries of a tag Keap refuses for its contact alone, before it is given up with the reason. */
export const REFUSALS_BEFORE_GIVING_UP = 5;

/** How long one run of a goal holds it against a second run of the same row. */
const GOAL_LEASE_MS = 10 * 60_000;

/**
 * Tags, field saves and contact look-ups. Each is safe to repeat (a tag applied twice, the same
 * value saved twice, a find-or-create by the same key), and each marks its outbox row done in the
 * transaction that records the result and its Keap calls, so a redelivered job finds it done and
 * stops, and whoever sees the row done (the calls-per-conversation histogram) sees its calls.
 * Field saves wait for company and go as one update per conversation (FieldSaves), always before
 * the tags and goals asked for with or after them.
 */
@Injectable()
export class CrmEffectProcessor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly conversations: ConversationRepository,
    private readonly runtime: ConversationRuntime,
    private readonly crm: CrmProvider,
    private readonly lock: RedisLock,
    private readonly saves: FieldSaves,
    @Optional() private readonly keapCalls?: KeapCallsPerConversation,
  ) {}

  /**
   * A tag can start a Keap campaign that reads the fields the replies saved, so they go first.
   * Applies of the same tag close together go to Keap as one call (KeapTagBatcher); Keap's answer
   * for this contact alone decides whether this row is done or retried. A crash between that call
   * and the row's update leaves the row pending: its retry applies again, which Keap answers
   * DUPLICATE, and the row (with its one `tag_applied`) is done then.
   */
  async applyTag(outboxId: string): Promise<void> {
    if (!(await this.pending(outboxId))) return;
    await this.saves.landBefore(outboxId);
    await this.withContact(outboxId, async (crm, contactId, entry) => {
      const tagId = Number(entry.payload.tagId) as TagId;
      await crm.applyTag(contactId, tagId);
      return { type: 'tag_applied', detail: { tagId, reason: entry.payload.reason } };
    });
  }

  /** A field save come due: the conversation's pending saves go as one contact update. */
  async saveField(outboxId: string): Promise<void> {
    await this.saves.saveDue(outboxId);
  }

  /**
   * A goal can start a Keap campaign that reads the field the same reply saved, so the saves go
   * first (`landBefore`; should they fail, the goal's job retries, and a save job that lands them
   * later hands the goal over). A goal achieved twice may run the campaign twice, and Keap cannot
   * be asked whether it was: one run per row at a time (the hand-over and the relay may queue it
   * twice), and `withContact`, which reads the row again inside the lock, stops at a row done.
   */
  async achieveGoal(outboxId: string): Promise<void> {
    const entry = await this.pending(outboxId);
    if (!entry?.conversationId) return;
    await this.saves.landBefore(outboxId);
    try {
      await this.lock.withLock(
        `achieve-goal:${outboxId}`,
        () =>
          this.withContact(outboxId, async (crm, contactId, current) => {
            const goal = current.payload.goal as ApiGoal;
            await crm.achieveGoal(contactId, goal);
            return { type: 'goal_achieved', detail: { ...goal, reason: current.payload.reason } };
          }),
        // Outlasts any wait for the Keap budget; a crashed holder only delays the goal.
        { leaseMs: GOAL_LEASE_MS, waitMs: 0 },
      );
    } catch (err) {
      // Another run holds it: that run finishes the row (or the relay queues it again).
      if (!(err instanceof LockTimeoutError)) throw err;
    }
  }

  async resolveContact(outboxId: string): Promise<void> {
    const entry = await this.pending(outboxId);
    if (!entry?.conversationId) return;
    const calls: Record<string, number> = {};
    let contact: ContactSnapshot;
    let created: boolean;
    try {
      const crm = await this.crm.crmFor(entry.accountId, {
        priority: 'interactive',
        onCall: (k) => (calls[k] = (calls[k] ?? 0) + 1),
      });
      ({ contact, created } = await crm.findOrCreateContact({
        email: (entry.payload.email as string | null) ?? null,
        phone: String(entry.payload.phone),
        phoneField: String(entry.payload.phoneField),
      }));
    } catch (err) {
      return this.failed(outboxId, err, entry.conversationId, 'resolve_contact', calls);
    }
    // Before the row is marked done (below), so the calls are there once it is.
    await this.runtime.recordKeapCalls(entry.conversationId, calls);
    const conversation = await this.runtime.applyEvent(
      entry.conversationId,
      async (_conversation, m) =>
        (await this.outbox.claim(outboxId, m))
          ? { type: 'contact_resolved', at: new Date().toISOString(), contact, created }
          : null,
    );
    // Ended while the look-up ran (STOP, by hand): the engine takes no event any more, but the
    // contact found still matters (an opt-out's tag).
    if (conversation?.endedAt)
      await this.runtime.contactOfEndedConversation(entry.conversationId, contact, created, (m) =>
        this.outbox.claim(outboxId, m),
      );
    await this.outbox.markDone(outboxId, null);
    await this.keapCalls?.observeIfDone(entry.conversationId);
  }

  private async withContact(
    outboxId: string,
    work: (
      crm: Awaited<ReturnType<CrmProvider['crmFor']>>,
      contactId: number,
      entry: OutboxEntry,
    ) => Promise<{ type: string; detail: Record<string, unknown> }>,
  ): Promise<void> {
    const entry = await this.pending(outboxId);
    if (!entry?.conversationId) return;
    const conversation = await this.conversations.get(entry.conversationId);
    if (conversation.contactId === null) {
      await this.outbox.markDone(outboxId, 'the conversation has no Keap contact');
      await this.keapCalls?.observeIfDone(conversation.id);
      return;
    }
    const calls: Record<string, number> = {};
    // Once the conversation is over nobody waits for this: it goes behind conversation work.
    const priority = conversation.endedAt ? 'background' : 'interactive';
    try {
      const crm = await this.crm.crmFor(entry.accountId, {
        priority,
        onCall: (k) => (calls[k] = (calls[k] ?? 0) + 1),
      });
      const event = await work(crm, conversation.contactId, entry);
      await this.dataSource.transaction(async (m) => {
        const claimed = await this.outbox.claim(outboxId, m);
        // The calls were made either way (another worker may have finished the row first).
        await this.runtime.recordKeapCalls(conversation.id, calls, m);
        if (claimed) await this.runtime.recordEvent(m, conversation.id, event.type, event.detail);
      });
    } catch (err) {
      return this.failed(outboxId, err, conversation.id, entry.kind, calls);
    }
    await this.keapCalls?.observeIfDone(conversation.id);
  }

  private async pending(outboxId: string): Promise<OutboxEntry | null> {
    const entry = await this.outbox.byId(outboxId);
    return entry && !entry.doneAt ? entry : null;
  }

  /**
   * A failure no retry can cure (the contact is gone, the Keap grant was revoked) ends this piece
   * of work with its reason on the conversation, where the console shows it; others go back to
   * the queue. Either way the Keap calls it made are tallied (with the row marked done, if it is).
   */
  private async failed(
    outboxId: string,
    err: unknown,
    conversationId: string,
    work: string,
    calls: Record<string, number>,
  ): Promise<void> {
    if (
      err instanceof CrmError &&
      (!err.retryable || (await this.refusedTooOften(outboxId, err)))
    ) {
      await this.dataSource.transaction(async (m) => {
        await this.outbox.markDone(outboxId, err.message, m);
        await this.runtime.recordKeapCalls(conversationId, calls, m);
        await this.runtime.recordEvent(m, conversationId, 'keap_work_stopped', {
          work,
          reason: err.message,
          ...(err.code ? { code: err.code } : {}),
        });
      });
      await this.keapCalls?.observeIfDone(conversationId);
      return;
    }
    await this.dataSource.transaction(async (m) => {
      await this.outbox.recordFailedAttempt(outboxId, String(err), m);
      await this.runtime.recordKeapCalls(conversationId, calls, m);
    });
    throw err;
  }

  /** A contact Keap keeps refusing (deleted since, say) is given up, not retried for ever. */
  private async refusedTooOften(outboxId: string, err: CrmError): Promise<boolean> {
    if (err.code !== 'refused_for_contact') return false;
    const attempts = (await this.outbox.byId(outboxId))?.attempts ?? 0;
    return attempts + 1 >= REFUSALS_BEFORE_GIVING_UP;
  }
}
