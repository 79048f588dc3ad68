import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  advance,
  answeredFinishStep,
  inboundKeywordClass,
  optsBackIn,
  isFinal,
  normaliseKeyword,
  type ContactSnapshot,
  type ConversationEvent,
  type NoConversation,
  type StartTrigger,
  type ToolDefinition,
  type Transition,
} from '@sms-seq/engine';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { Message } from '../messages/message.entity';
import { MessageRepository } from '../messages/message.repository';
import type { OutboxKind } from '../outbox/outbox-entry.entity';
import { OutboxPublisher } from '../outbox/outbox.publisher';
import { OutboxRepository } from '../outbox/outbox.repository';
import { ToolRepository } from '../tools/tool.repository';
import { ConversationClock } from './conversation-clock';
import { Conversation, type KeapCallCounts } from './conversation.entity';
import { ConversationRepository } from './conversation.repository';
import { KeapCallsPerConversation } from './keap-calls-per-conversation';
import { OptOutRepository } from './opt-out.repository';
import type { PhoneLine } from '../messages/phone-line';
import { inPhoneTransaction } from './phone-lock';

export interface OutboxRef {
  id: string;
  kind: OutboxKind;
  /** Due later (epoch ms): published as a delayed job (a field save waiting for company). */
  at?: number;
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
  private readonly fieldSaveMaxDelayMs: number;
  /** Tool versions are immutable, so caching them in memory is safe across processes. */
  private readonly definitions = new Map<string, ToolDefinition>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly outbox: OutboxRepository,
    private readonly optOuts: OptOutRepository,
    private readonly tools: ToolRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() private readonly keapCalls?: KeapCallsPerConversation,
  ) {
    this.clock = new ConversationClock(config.CONVERSATION_MINUTE_MS);
    this.fieldSaveMaxDelayMs = config.FIELD_SAVE_MAX_DELAY_MS;
  }

  /** The version's definition; `manager`: the caller's transaction, if it is in one. */
  async definitionOf(
    manager: EntityManager | undefined,
    toolVersionId: string,
  ): Promise<ToolDefinition> {
    const cached = this.definitions.get(toolVersionId);
    if (cached) return cached;
    const definition = await this.tools.versionDefinition(toolVersionId, manager);
    this.definitions.set(toolVersionId, definition);
    return definition;
  }

  /**
   * Handles the phone's texts that are not processed yet, oldest first. Stops at a conversation
   * that waits for its contact: those replies are handled once the contact is resolved.
   */
  async processInbound(line: PhoneLine): Promise<void> {
    // One job per phone at a time (its job id is the phone's): a text stored while this job runs
    // may not get a job of its own, so look again before finishing (the relay's sweep catches
    // anything that slips in after this last look).
    for (let round = 0; round < MAX_INBOUND_ROUNDS; round++) {
      const out: OutboxRef[] = [];
      const waiting = await this.inPhoneTransaction(line, async (m) => {
        const pending = await this.messages.unprocessedInbound(line, m);
        for (const message of pending) {
          if (!(await this.handleInbound(m, message, out))) return true;
        }
        return false;
      });
      await this.publisher.publish(out);
      if (waiting || !(await this.messages.hasUnprocessedInbound(line))) return;
    }
  }

  /** Runs `work` in one transaction holding the phone's lock (see phone-lock.ts). */
  inPhoneTransaction<T>(line: PhoneLine, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return inPhoneTransaction(this.dataSource, this.conversations, line, work);
  }

  private async handleInbound(
    m: EntityManager,
    message: Message,
    out: OutboxRef[],
  ): Promise<boolean> {
    const { accountId, senderKey, phone } = message;
    const conversation = await this.conversations.activeFor({ accountId, senderKey, phone }, m);
    const at = new Date().toISOString();
    const keyword = inboundKeywordClass(message.body, message.optOutType);
    if (keyword === 'opt_out') {
      const word = normaliseKeyword(message.body);
      await this.optOuts.add(accountId, senderKey, phone, word, conversation?.id ?? null, m);
      if (conversation) await this.advanceAndStore(m, conversation, { type: 'opt_out', at }, out);
      await this.markProcessed(m, message, conversation?.id ?? null);
      return true;
    }
    if (keyword === 'opt_in') {
      const optedOut = await this.optOuts.isOptedOut(accountId, senderKey, phone, m);
      if (optsBackIn({ optedOut, inConversation: conversation !== null })) {
        await this.optOuts.remove(accountId, senderKey, phone, m);
        if (conversation) await this.advanceAndStore(m, conversation, { type: 'opt_in', at }, out);
        await this.markProcessed(m, message, conversation?.id ?? null);
        return true;
      }
    }
    if (conversation) {
      // Replies wait, in order, until the contact is known (the step's field save needs it).
      if (conversation.status === 'awaiting_contact') return false;
      const answer = await this.advanceAndStore(
        m,
        conversation,
        { type: 'reply', at, text: message.body },
        out,
      );
      await this.markProcessed(m, message, conversation.id);
      // The reply a finish step waited for (and saved) may be a live keyword too: the phone is
      // free now, so its tool starts, as it would have had the contact not been in a conversation.
      if (
        answer.state !== null &&
        answeredFinishStep(await this.definitionOf(m, conversation.toolVersionId), answer)
      ) {
        const tool = await this.keywordTool(
          m,
          accountId,
          senderKey,
          normaliseKeyword(message.body),
        );
        if (tool?.accountActive) await this.startByKeyword(m, tool, message, at, out);
      }
      return true;
    }
    if (await this.optOuts.isOptedOut(accountId, senderKey, phone, m)) {
      await this.markProcessed(m, message, null);
      return true;
    }
    const tool = await this.keywordTool(m, accountId, senderKey, normaliseKeyword(message.body));
    let conversationId: string | null = null;
    if (tool && !tool.accountActive) {
      // Kept with its reason, so the console can list the starts refused while Keap is away.
      await this.markProcessed(m, message, null, KEAP_DISCONNECTED);
      return true;
    }
    if (tool) conversationId = (await this.startByKeyword(m, tool, message, at, out))?.id ?? null;
    // A text that matched nothing is still kept (status processed, no conversation).
    await this.markProcessed(m, message, conversationId);
    return true;
  }

  private startByKeyword(
    m: EntityManager,
    tool: { id: string; versionId: string },
    message: Message,
    at: string,
    out: OutboxRef[],
  ): Promise<Conversation | null> {
    return this.start(
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
    // A start at a closing message has ended already: the phone must be free at once.
    const final = isFinal(state.status);
    const conversation = await this.conversations.storeStarted(
      {
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
        endedAt: final ? new Date() : null,
        nextTickAt: final ? null : this.clock.nextTickWallTime(definition, state),
        expiresAt: final ? null : this.clock.expiryWallTime(definition, state),
        keapCalls: request.keapCalls ?? {},
      },
      m,
    );
    await this.storeConsequences(m, conversation, definition, transition, out);
    if (final) await this.keapCalls?.observeIfDone(conversation.id, m);
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
    const head = await this.conversations.byId(conversationId);
    if (!head) return null;
    const out: OutboxRef[] = [];
    let wasAwaitingContact = false;
    const result = await this.inPhoneTransaction(head, async (m) => {
      const conversation = await this.conversations.lockById(conversationId, m);
      if (!conversation) return null;
      wasAwaitingContact = conversation.status === 'awaiting_contact';
      const event = conversation.endedAt === null ? await makeEvent(conversation, m) : null;
      if (event) {
        const definition = await this.definitionOf(m, conversation.toolVersionId);
        const transition = advance(definition, conversation.state, event);
        // A tick that finds nothing due is not worth a row in the history.
        if (event.type === 'tick' && transition.outcome.kind === 'ignored') return conversation;
        await this.store(m, conversation, definition, event, transition, out);
      }
      if (alsoInTransaction) await alsoInTransaction(m);
      return conversation;
    });
    await this.publisher.publish(out);
    // Replies that waited for the contact are handled now, in order.
    if (result && wasAwaitingContact && result.status !== 'awaiting_contact') {
      await this.processInbound(result);
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
    created: boolean,
    claim: (m: EntityManager) => Promise<boolean>,
  ): Promise<void> {
    const head = await this.conversations.byId(conversationId);
    if (!head || head.endedAt === null || contact.id === null) return;
    const out: OutboxRef[] = [];
    await this.inPhoneTransaction(head, async (m) => {
      const conversation = await this.conversations.lockById(conversationId, m);
      if (!conversation || conversation.endedAt === null || conversation.contactId !== null) return;
      if (!(await claim(m))) return;
      const state = { ...conversation.state, contact };
      await this.conversations.storeContactOfEnded(conversation.id, state, contact, m);
      await this.recordEvent(m, conversation.id, 'contact_resolved', {
        contactId: contact.id,
        created,
      });
      const definition = await this.definitionOf(m, conversation.toolVersionId);
      const { optOutTagId: tagId, optOutGoal: goal } = definition.options;
      if (conversation.status === 'opted_out' && tagId !== null)
        out.push(await this.enqueue(m, conversation, 'apply_tag', { tagId, reason: 'opt_out' }));
      if (conversation.status === 'opted_out' && goal && goal.integration && goal.callName)
        out.push(await this.enqueue(m, conversation, 'achieve_goal', { goal, reason: 'opt_out' }));
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
    const head = await this.conversations.byId(conversationId);
    if (!head || head.endedAt !== null) return;
    await this.inPhoneTransaction(head, async (m) => {
      const conversation = await this.conversations.lockById(conversationId, m);
      if (!conversation || conversation.endedAt !== null) return;
      if (Date.parse(conversation.state.lastActivityAt) >= sentAt.getTime()) return;
      const definition = await this.definitionOf(m, conversation.toolVersionId);
      const state = { ...conversation.state, lastActivityAt: sentAt.toISOString() };
      await this.conversations.restartClock(
        conversation.id,
        state,
        sentAt,
        this.clock.nextTickWallTime(definition, state),
        this.clock.expiryWallTime(definition, state),
        m,
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
    return this.store(m, conversation, definition, event, transition, out);
  }

  /** Stores what `advance` answered to `event`: the new state, its event rows and its effects. */
  private async store(
    m: EntityManager,
    conversation: Conversation,
    definition: ToolDefinition,
    event: ConversationEvent,
    transition: Transition,
    out: OutboxRef[],
  ): Promise<Transition> {
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
    await this.conversations.storeState(conversation, m);
    await this.storeConsequences(m, conversation, definition, transition, out);
    // Its field saves waiting for company go now: no reply will join them.
    if (final)
      for (const id of await this.outbox.fieldSavesDueNow(conversation.id, m))
        out.push({ id, kind: 'save_field' });
    // Keap calls per conversation (metrics): observed now unless Keap work of it is still queued.
    if (final) await this.keapCalls?.observeIfDone(conversation.id, m);
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
          const messageId = await this.messages.queueOutbound(
            {
              accountId: conversation.accountId,
              conversationId: conversation.id,
              phone: conversation.phone,
              senderKey: conversation.senderKey,
              body: effect.body,
              mediaUrls: effect.mediaUrls,
              stepId: effect.stepId,
              purpose: effect.purpose,
            },
            m,
          );
          out.push(await this.enqueue(m, conversation, 'send_message', { messageId }));
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
        case 'achieve_goal':
          out.push(
            await this.enqueue(m, conversation, 'achieve_goal', {
              goal: effect.goal,
              reason: effect.reason,
            }),
          );
          break;
        case 'save_field': {
          // The conversation's saves go to Keap together, as one contact update (FieldSaves):
          // before its next tag, goal or note, at its end, or once due.
          const save = await this.outbox.enqueueFieldSave(
            conversation.accountId,
            conversation.id,
            { field: effect.field, value: effect.value },
            isFinal(transition.state.status) ? 0 : this.fieldSaveMaxDelayMs,
            m,
          );
          out.push({
            id: save.id,
            kind: 'save_field',
            ...(save.notBefore ? { at: save.notBefore.getTime() } : {}),
          });
          break;
        }
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
    const id = await this.outbox.enqueue(conversation.accountId, conversation.id, kind, payload, m);
    return { id, kind };
  }

  async recordEvent(
    m: EntityManager,
    conversationId: string,
    type: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.conversations.recordEvent(conversationId, type, detail, m);
  }

  /**
   * Adds Keap calls to the conversation's tally (for the budget report and the per-conversation
   * histogram), in one statement. Pass the transaction that marks the work done: whoever then sees
   * the work done sees its calls too.
   */
  async recordKeapCalls(
    conversationId: string,
    calls: KeapCallCounts,
    m?: EntityManager,
  ): Promise<void> {
    await this.conversations.addKeapCalls(conversationId, calls, m);
  }

  /** The live tool the keyword starts at the sender (none for an empty text). */
  private async keywordTool(
    m: EntityManager,
    accountId: string,
    senderKey: string,
    keyword: string,
  ): Promise<{ id: string; versionId: string; accountActive: boolean } | null> {
    if (keyword === '') return null;
    return this.tools.keywordTool(accountId, senderKey, keyword, m);
  }

  /** `refusal`: why a text that should have started a conversation did not (kept in error_code). */
  private async markProcessed(
    m: EntityManager,
    message: Message,
    conversationId: string | null,
    refusal: typeof KEAP_DISCONNECTED | null = null,
  ): Promise<void> {
    await this.messages.markProcessed(message.id, conversationId, refusal, m);
  }
}

/** The error_code of a keyword text that matched a tool whose account's Keap is disconnected. */
export const KEAP_DISCONNECTED = 'keap_disconnected';

/** Rounds of one inbound job: a phone texting without pause cannot keep one job forever. */
const MAX_INBOUND_ROUNDS = 5;

export type { ContactSnapshot };
