import { Injectable, Optional } from '@nestjs/common';
import type { ApiGoal, ContactFieldKey, ContactSnapshot, TagId } from '@sms-seq/engine';
import { DataSource } from 'typeorm';
import { ConversationRuntime } from '../conversations/conversation-runtime.service';
import { ConversationRepository } from '../conversations/conversation.repository';
import { CrmError, CrmProvider } from '../ports/crm.port';
import { KeapCallsPerConversation } from '../conversations/keap-calls-per-conversation';
import type { OutboxEntry } from '../outbox/outbox-entry.entity';
import { OutboxPublisher } from '../outbox/outbox.publisher';
import { OutboxRepository } from '../outbox/outbox.repository';
import { LockTimeoutError, RedisLock } from '../redis/redis-lock';

/** How long one run of a goal holds it against a second run of the same row. */
const GOAL_LEASE_MS = 10 * 60_000;

/**
 * Tags, field saves and contact look-ups. Each is safe to repeat (a tag applied twice, the same
 * value saved twice, a find-or-create by the same key), and each marks its outbox row done in the
 * transaction that records the result and its Keap calls, so a redelivered job finds it done and
 * stops, and whoever sees the row done (the calls-per-conversation histogram) sees its calls.
 */
@Injectable()
export class CrmEffectProcessor {
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

  async applyTag(outboxId: string): Promise<void> {
    await this.withContact(outboxId, async (crm, contactId, entry) => {
      const tagId = Number(entry.payload.tagId) as TagId;
      await crm.applyTag(contactId, tagId);
      return { type: 'tag_applied', detail: { tagId, reason: entry.payload.reason } };
    });
  }

  async saveField(outboxId: string): Promise<void> {
    await this.withContact(outboxId, async (crm, contactId, entry) => {
      const field = String(entry.payload.field) as ContactFieldKey;
      await crm.saveField(contactId, field, String(entry.payload.value));
      return { type: 'field_saved', detail: { field, value: entry.payload.value } };
    });
    await this.handOverGoals(outboxId);
  }

  /**
   * A goal can start a Keap campaign that reads the field the same reply saved, so it waits for
   * that save (`saveField` hands it over once done; the relay re-publishes it anyway). A goal
   * achieved twice may run the campaign twice, and Keap cannot be asked whether it was: one run
   * per row at a time (the hand-over and the relay may queue it twice), and `withContact`, which
   * reads the row again inside the lock, stops at a row done.
   */
  async achieveGoal(outboxId: string): Promise<void> {
    const entry = await this.pending(outboxId);
    if (!entry?.conversationId) return;
    if (await this.outbox.savesPendingBefore(outboxId)) return;
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

  /** Once a field save is done (or given up), the goals of its conversation waiting on it go. */
  private async handOverGoals(saveId: string): Promise<void> {
    const save = await this.outbox.byId(saveId);
    if (!save?.doneAt || !save.conversationId) return;
    for (const id of await this.outbox.pendingOf(save.conversationId, 'achieve_goal'))
      await this.publisher.publishAgain({ id, kind: 'achieve_goal' });
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
    if (err instanceof CrmError && !err.retryable) {
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
}
