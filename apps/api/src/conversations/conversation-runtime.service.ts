import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  advance,
  classifyKeyword,
  isFinal,
  normaliseKeyword,
  type ContactSnapshot,
  type ConversationEvent,
  type NoConversation,
  type StartTrigger,
  type ToolDefinition,
  type Transition,
} from '@sms-seq/engine';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { KeapCallsPerConversation } from '../keap/budget/keap-calls-per-conversation';
import { ToolVersion } from '../tools/tool-version.entity';
import type { OutboxKind } from '../outbox/outbox-entry.entity';
import { OutboxPublisher } from '../outbox/outbox.publisher';
import { ConversationClock } from './conversation-clock';
import { Conversation, type KeapCallCounts } from './conversation.entity';
import { Message } from '../messages/message.entity';
import { inPhoneTransaction } from './phone-lock';

export interface OutboxRef {
  id: string;
  kind: OutboxKind;
}

export interface StartRequest {
  accountId: string;
  toolId: string;
  toolVersionId: string;
  senderKey: string;
  /** E.164; null when the number could not be read (the conversation ends as invalid_number). */
  phone: string | null;
  rawPhone: string;
  trigger: StartTrigger;
  event: Extract<ConversationEvent, { type: 'start_keyword' | 'start_http' }>;
  keapCalls?: KeapCallCounts;
}

/**
 * The imperative shell around the engine: loads a conversation under a lock, calls `advance`, and
 * stores the new state, the events and the effects to perform (outbox rows, outbound message rows)
 * in ONE transaction. Everything that changes a conversation goes through here, so two processes
 * (or a webhook delivered twice) can never advance it twice on the same input.
 *
 * Lock order, always: the phone's advisory lock (sender + phone, see phone-lock.ts), then the
 * conversation row.
 */
@Injectable()
export class ConversationRuntime {
  private readonly logger = new Logger(ConversationRuntime.name);
  readonly clock: ConversationClock;
  /** Tool versions are immutable, so caching them in memory is safe across processes. */
  private readonly definitions = new Map<string, ToolDefinition>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() private readonly keapCalls?: KeapCallsPerConversation,
  ) {
    this.clock = new ConversationClock(config.CONVERSATION_MINUTE_MS);
  }

  async definitionOf(manager: EntityManager, toolVersionId: string): Promise<ToolDefinition> {
    const cached = this.definitions.get(toolVersionId);
    if (cached) return cached;
    const version = await manager.getRepository(ToolVersion).findOneByOrFail({ id: toolVersionId });
    this.definitions.set(toolVersionId, version.definition);
    return version.definition;
  }

  /**
   * Handles the phone's texts that are not processed yet, oldest first. Stops at a conversation
   * that waits for its contact: those replies are handled once the contact is resolved.
   */
  async processInbound(senderKey: string, phone: string): Promise<void> {
    // One job per phone at a time (its job id is the phone's): a text stored while this job runs
    // may not get a job of its own, so look again before finishing (the relay's sweep catches
    // anything that slips in after this last look).
    for (let round = 0; round < MAX_INBOUND_ROUNDS; round++) {
      const out: OutboxRef[] = [];
      const waiting = await inPhoneTransaction(this.dataSource, senderKey, phone, async (m) => {
        const pending = await m.getRepository(Message).find({
          where: { direction: 'in', status: 'received', senderKey, phone },
          order: { createdAt: 'ASC', id: 'ASC' },
        });
        for (const message of pending) {
          if (!(await this.handleInbound(m, message, out))) return true;
        }
        return false;
      });
      await this.publisher.publish(out);
      if (waiting || !(await this.hasPendingInbound(senderKey, phone))) return;
    }
  }

  private async hasPendingInbound(senderKey: string, phone: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM messages WHERE direction = 'in' AND status = 'received' AND sender_key = $1 AND phone = $2 LIMIT 1`,
      [senderKey, phone],
    );
    return rows.length > 0;
  }

  private async handleInbound(
    m: EntityManager,
    message: Message,
    out: OutboxRef[],
  ): Promise<boolean> {
    const conversation = await this.activeConversation(m, message.senderKey, message.phone);
    const at = new Date().toISOString();
    const keyword = keywordClassOf(message);
    if (keyword === 'opt_out') {
      await m.query(
        `INSERT INTO opt_outs (account_id, sender_key, phone, source) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [message.accountId, message.senderKey, message.phone, normaliseKeyword(message.body)],
      );
      if (conversation) await this.advanceAndStore(m, conversation, { type: 'opt_out', at }, out);
      await this.markProcessed(m, message, conversation?.id ?? null);
      return true;
    }
    if (keyword === 'opt_in') {
      // YES is an opt-in word too, but to a number that never opted out it is a reply ("Do you like blue?" "Yes").
      const optedOut = await this.isOptedOut(
        m,
        message.accountId,
        message.senderKey,
        message.phone,
      );
      if (optedOut || !conversation) {
        await m.query(
          `DELETE FROM opt_outs WHERE account_id = $1 AND sender_key = $2 AND phone = $3`,
          [message.accountId, message.senderKey, message.phone],
        );
        if (conversation) await this.advanceAndStore(m, conversation, { type: 'opt_in', at }, out);
        await this.markProcessed(m, message, conversation?.id ?? null);
        return true;
      }
    }
    if (conversation) {
      // Replies wait, in order, until the contact is known (the step's field save needs it).
      if (conversation.status === 'awaiting_contact') return false;
      await this.advanceAndStore(m, conversation, { type: 'reply', at, text: message.body }, out);
      await this.markProcessed(m, message, conversation.id);
      return true;
    }
    if (await this.isOptedOut(m, message.accountId, message.senderKey, message.phone)) {
      await this.markProcessed(m, message, null);
      return true;
    }
    const tool = await this.keywordTool(
      m,
      message.accountId,
      message.senderKey,
      normaliseKeyword(message.body),
    );
    let conversationId: string | null = null;
    if (tool && !tool.accountActive) {
      // Kept with its reason, so the console can list the starts refused while Keap is away.
      await this.markProcessed(m, message, null, KEAP_DISCONNECTED);
      return true;
    }
    if (tool) {
      const started = await this.start(
        m,
        {
          accountId: message.accountId,
          toolId: tool.id,
          toolVersionId: tool.versionId,
          senderKey: message.senderKey,
          phone: message.phone,
          rawPhone: message.phone,
          trigger: 'keyword',
          event: { type: 'start_keyword', at, phone: message.phone },
        },
        out,
      );
      conversationId = started?.id ?? null;
    }
    // A text that matched nothing is still kept (status processed, no conversation).
    await this.markProcessed(m, message, conversationId);
    return true;
  }

  /**
   * Starts a conversation inside the caller's transaction (which holds the phone's lock). Returns
   * null when the engine declines to start (e.g. the tool has no steps).
   */
  async start(
    m: EntityManager,
    request: StartRequest,
    out: OutboxRef[],
  ): Promise<Conversation | null> {
    const definition = await this.definitionOf(m, request.toolVersionId);
    const transition = advance(definition, null, request.event);
    if (transition.state === null) {
      this.logger.warn(`tool ${request.toolId} did not start: ${transition.outcome.reason}`);
      return null;
    }
    const state = transition.state;
    const row = m.getRepository(Conversation).create({
      accountId: request.accountId,
      toolId: request.toolId,
      toolVersionId: request.toolVersionId,
      phone: request.phone ?? request.rawPhone,
      senderKey: request.senderKey,
      contactId: state.contact.id,
      contact: state.contact,
      state,
      status: state.status,
      currentStepId: state.currentStepId,
      trigger: request.trigger,
      startedAt: new Date(state.startedAt),
      lastActivityAt: new Date(state.lastActivityAt),
      endedAt: null,
      nextTickAt: this.clock.nextTickWallTime(definition, state),
      expiresAt: this.clock.expiryWallTime(definition, state),
      keapCalls: request.keapCalls ?? {},
    });
    const conversation = await m.getRepository(Conversation).save(row);
    await this.storeConsequences(m, conversation, definition, transition, out);
    if (request.phone === null) {
      await this.advanceAndStore(
        m,
        conversation,
        { type: 'send_failed', at: request.event.at, reason: 'invalid_number' },
        out,
      );
    }
    return conversation;
  }

  /**
   * Applies an event to one conversation in its own transaction and publishes the work it asked
   * for. `alsoInTransaction` runs in the same transaction (e.g. marking the outbox row that
   * produced the event as done, so a redelivered job cannot apply it twice).
   */
  async applyEvent(
    conversationId: string,
    makeEvent: (
      conversation: Conversation,
      m: EntityManager,
    ) => Promise<ConversationEvent | null> | ConversationEvent | null,
    alsoInTransaction?: (m: EntityManager) => Promise<void>,
  ): Promise<Conversation | null> {
    const head = await this.dataSource
      .getRepository(Conversation)
      .findOneBy({ id: conversationId });
    if (!head) return null;
    const out: OutboxRef[] = [];
    let wasAwaitingContact = false;
    const result = await inPhoneTransaction(
      this.dataSource,
      head.senderKey,
      head.phone,
      async (m) => {
        const conversation = await m
          .getRepository(Conversation)
          .findOne({ where: { id: conversationId }, lock: { mode: 'pessimistic_write' } });
        if (!conversation) return null;
        wasAwaitingContact = conversation.status === 'awaiting_contact';
        const event = conversation.endedAt === null ? await makeEvent(conversation, m) : null;
        // A tick that finds nothing due is not worth a row in the history.
        if (event?.type === 'tick') {
          const definition = await this.definitionOf(m, conversation.toolVersionId);
          if (advance(definition, conversation.state, event).outcome.kind === 'ignored')
            return conversation;
        }
        if (event) await this.advanceAndStore(m, conversation, event, out);
        if (alsoInTransaction) await alsoInTransaction(m);
        return conversation;
      },
    );
    await this.publisher.publish(out);
    // Replies that waited for the contact are handled now, in order.
    if (result && wasAwaitingContact && result.status !== 'awaiting_contact') {
      await this.processInbound(result.senderKey, result.phone);
    }
    return result;
  }

  /**
   * The contact look-up of a conversation that ended while it ran came back with `contact`
   * (`claim` marks the look-up's outbox row done in this transaction; false: it was already).
   * The contact is kept on the conversation. A STOP during the look-up ended it with no contact
   * to tag, so the engine left the opt-out tag out: it is applied now, to the contact found, so
   * Keap shows the opt-out as well. Nothing is sent: the conversation stays over.
   */
  async contactOfEndedConversation(
    conversationId: string,
    contact: ContactSnapshot,
    claim: (m: EntityManager) => Promise<boolean>,
  ): Promise<void> {
    const head = await this.dataSource
      .getRepository(Conversation)
      .findOneBy({ id: conversationId });
    if (!head || head.endedAt === null || contact.id === null) return;
    const out: OutboxRef[] = [];
    await inPhoneTransaction(this.dataSource, head.senderKey, head.phone, async (m) => {
      const conversation = await m
        .getRepository(Conversation)
        .findOne({ where: { id: conversationId }, lock: { mode: 'pessimistic_write' } });
      if (!conversation || conversation.endedAt === null || conversation.contactId !== null) return;
      if (!(await claim(m))) return;
      const state = { ...conversation.state, contact };
      await m.query(
        `UPDATE conversations SET state = $2, contact = $3, contact_id = $4, updated_at = now() WHERE id = $1`,
        [conversation.id, JSON.stringify(state), JSON.stringify(contact), contact.id],
      );
      await this.recordEvent(m, conversation.id, 'contact_resolved', { contactId: contact.id });
      const definition = await this.definitionOf(m, conversation.toolVersionId);
      const tagId = definition.options.optOutTagId;
      if (conversation.status === 'opted_out' && tagId !== null)
        out.push(await this.enqueue(m, conversation, 'apply_tag', { tagId, reason: 'opt_out' }));
    });
    await this.publisher.publish(out);
  }

  /**
   * A question of the conversation (a step's text or a re-ask, not a reminder) went out at
   * `sentAt`, later than it was asked for: held by quiet hours, the sender's rate or refused
   * credentials. The contact sees it only now, so "without activity" counts from now: the expiry
   * (and the reminder) move with it, instead of the conversation expiring before or soon after
   * the contact ever saw the question. Never moves the clock back (a later reply stands).
   */
  async questionWentOut(conversationId: string, sentAt: Date): Promise<void> {
    const head = await this.dataSource
      .getRepository(Conversation)
      .findOneBy({ id: conversationId });
    if (!head || head.endedAt !== null) return;
    await inPhoneTransaction(this.dataSource, head.senderKey, head.phone, async (m) => {
      const conversation = await m
        .getRepository(Conversation)
        .findOne({ where: { id: conversationId }, lock: { mode: 'pessimistic_write' } });
      if (!conversation || conversation.endedAt !== null) return;
      if (Date.parse(conversation.state.lastActivityAt) >= sentAt.getTime()) return;
      const definition = await this.definitionOf(m, conversation.toolVersionId);
      const state = { ...conversation.state, lastActivityAt: sentAt.toISOString() };
      await m.query(
        `UPDATE conversations SET state = $2, last_activity_at = $3, next_tick_at = $4, expires_at = $5, updated_at = now()
          WHERE id = $1`,
        [
          conversation.id,
          JSON.stringify(state),
          sentAt,
          this.clock.nextTickWallTime(definition, state),
          this.clock.expiryWallTime(definition, state),
        ],
      );
    });
  }

  async advanceAndStore(
    m: EntityManager,
    conversation: Conversation,
    event: ConversationEvent,
    out: OutboxRef[],
  ): Promise<Transition | NoConversation> {
    const definition = await this.definitionOf(m, conversation.toolVersionId);
    const transition = advance(definition, conversation.state, event);
    if (transition.outcome.kind === 'ignored') {
      await this.recordEvent(m, conversation.id, 'ignored', {
        event: event.type,
        reason: transition.outcome.reason,
      });
      return transition;
    }
    const state = transition.state;
    const final = isFinal(state.status);
    conversation.state = state;
    conversation.status = state.status;
    conversation.currentStepId = state.currentStepId;
    conversation.contact = state.contact;
    conversation.contactId = state.contact.id;
    conversation.lastActivityAt = new Date(state.lastActivityAt);
    conversation.endedAt = final ? (conversation.endedAt ?? new Date()) : null;
    conversation.nextTickAt = final ? null : this.clock.nextTickWallTime(definition, state);
    conversation.expiresAt = final ? null : this.clock.expiryWallTime(definition, state);
    // Raw SQL on the hot path (every reply): the repository's save reads the row back and diffs it.
    await m.query(
      `UPDATE conversations
          SET state = $2, status = $3, current_step_id = $4, contact = $5, contact_id = $6, last_activity_at = $7,
              ended_at = $8, next_tick_at = $9, expires_at = $10, updated_at = now()
        WHERE id = $1`,
      [
        conversation.id,
        JSON.stringify(state),
        conversation.status,
        conversation.currentStepId,
        JSON.stringify(conversation.contact),
        conversation.contactId,
        conversation.lastActivityAt,
        conversation.endedAt,
        conversation.nextTickAt,
        conversation.expiresAt,
      ],
    );
    await this.storeConsequences(m, conversation, definition, transition, out);
    // Keap calls per conversation (metrics): observed now unless Keap work of it is still queued.
    if (final) await this.keapCalls?.observeIfDone(m, conversation.id);
    return transition;
  }

  /** The outcome as an event row, and the effects as outbound messages and outbox rows. */
  private async storeConsequences(
    m: EntityManager,
    conversation: Conversation,
    definition: ToolDefinition,
    transition: Transition,
    out: OutboxRef[],
  ): Promise<void> {
    await this.recordEvent(m, conversation.id, transition.outcome.kind, { ...transition.outcome });
    for (const effect of transition.effects) {
      switch (effect.type) {
        case 'send_message': {
          const rows: { id: string }[] = await m.query(
            `INSERT INTO messages (account_id, conversation_id, direction, phone, sender_key, body, media_urls, status, step_id, purpose)
             VALUES ($1, $2, 'out', $3, $4, $5, $6, 'queued', $7, $8) RETURNING id`,
            [
              conversation.accountId,
              conversation.id,
              conversation.phone,
              conversation.senderKey,
              effect.body,
              JSON.stringify(effect.mediaUrls),
              effect.stepId,
              effect.purpose,
            ],
          );
          out.push(
            await this.enqueue(m, conversation, 'send_message', { messageId: insertedId(rows) }),
          );
          break;
        }
        case 'apply_tag':
          out.push(
            await this.enqueue(m, conversation, 'apply_tag', {
              tagId: effect.tagId,
              reason: effect.reason,
            }),
          );
          break;
        case 'save_field':
          out.push(
            await this.enqueue(m, conversation, 'save_field', {
              field: effect.field,
              value: effect.value,
            }),
          );
          break;
        case 'resolve_contact':
          out.push(
            await this.enqueue(m, conversation, 'resolve_contact', {
              email: effect.email,
              phone: effect.phone,
              phoneField: effect.phoneField,
            }),
          );
          break;
        case 'write_note':
          if (definition.options.createNote)
            out.push(await this.enqueue(m, conversation, 'write_note', {}));
          break;
        case 'conversation_ended':
          await this.recordEvent(m, conversation.id, 'conversation_ended', {
            status: effect.status,
          });
          break;
      }
    }
  }

  async enqueue(
    m: EntityManager,
    conversation: Pick<Conversation, 'id' | 'accountId'>,
    kind: OutboxKind,
    payload: Record<string, unknown>,
  ): Promise<OutboxRef> {
    const rows: { id: string }[] = await m.query(
      `INSERT INTO outbox (account_id, conversation_id, kind, payload) VALUES ($1, $2, $3, $4) RETURNING id`,
      [conversation.accountId, conversation.id, kind, JSON.stringify(payload)],
    );
    return { id: insertedId(rows), kind };
  }

  async recordEvent(
    m: EntityManager,
    conversationId: string,
    type: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await m.query(
      `INSERT INTO conversation_events (conversation_id, type, detail) VALUES ($1, $2, $3)`,
      [conversationId, type, JSON.stringify(detail)],
    );
  }

  /**
   * Adds Keap calls to the conversation's tally (for the budget report and the per-conversation
   * histogram), in one statement. Pass the transaction that marks the work done: whoever then sees
   * the work done sees its calls too.
   */
  async recordKeapCalls(
    conversationId: string,
    calls: KeapCallCounts,
    m: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const made = Object.fromEntries(Object.entries(calls).filter(([, n]) => n));
    if (Object.keys(made).length === 0) return;
    await m.query(
      `UPDATE conversations c
          SET keap_calls = c.keap_calls || (SELECT jsonb_object_agg(e.key, COALESCE((c.keap_calls->>e.key)::int, 0) + e.value::int)
                                              FROM jsonb_each_text($2::jsonb) AS e)
        WHERE id = $1`,
      [conversationId, JSON.stringify(made)],
    );
  }

  async activeConversation(
    m: EntityManager,
    senderKey: string,
    phone: string,
  ): Promise<Conversation | null> {
    return m.getRepository(Conversation).findOne({
      where: { senderKey, phone, endedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async isOptedOut(
    m: EntityManager,
    accountId: string,
    senderKey: string,
    phone: string,
  ): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM opt_outs WHERE account_id = $1 AND sender_key = $2 AND phone = $3`,
      [accountId, senderKey, phone],
    );
    return rows.length > 0;
  }

  private async keywordTool(
    m: EntityManager,
    accountId: string,
    senderKey: string,
    keyword: string,
  ): Promise<{ id: string; versionId: string; accountActive: boolean } | null> {
    if (keyword === '') return null;
    const rows: { id: string; version_id: string; active: boolean }[] = await m.query(
      `SELECT t.id, t.published_version_id AS version_id, a.status = 'active' AS active
         FROM tools t JOIN accounts a ON a.id = t.account_id
        WHERE t.account_id = $1 AND t.live_sender_key = $2 AND t.live_keyword = $3
          AND t.deleted_at IS NULL AND t.enabled AND t.published_version_id IS NOT NULL
        LIMIT 1`,
      [accountId, senderKey, keyword],
    );
    const row = rows[0];
    return row ? { id: row.id, versionId: row.version_id, accountActive: row.active } : null;
  }

  /** `refusal`: why a text that should have started a conversation did not (kept in error_code). */
  private async markProcessed(
    m: EntityManager,
    message: Message,
    conversationId: string | null,
    refusal: typeof KEAP_DISCONNECTED | null = null,
  ): Promise<void> {
    await m.query(
      `UPDATE messages SET status = 'processed', conversation_id = $2, error_code = $3, updated_at = now() WHERE id = $1`,
      [message.id, conversationId, refusal],
    );
  }
}

/** Twilio's Advanced Opt-Out verdict when it gave one, else the engine's reading of the words. */
function keywordClassOf(
  message: Pick<Message, 'body' | 'optOutType'>,
): ReturnType<typeof classifyKeyword> {
  if (message.optOutType === 'STOP') return 'opt_out';
  if (message.optOutType === 'START') return 'opt_in';
  return classifyKeyword(message.body);
}

function insertedId(rows: readonly { id: string }[]): string {
  const row = rows[0];
  if (!row) throw new Error('INSERT … RETURNING id returned no row');
  return row.id;
}

/** The error_code of a keyword text that matched a tool whose account's Keap is disconnected. */
export const KEAP_DISCONNECTED = 'keap_disconnected';

/** Rounds of one inbound job: a phone texting without pause cannot keep one job forever. */
const MAX_INBOUND_ROUNDS = 5;

export type { ContactSnapshot };
