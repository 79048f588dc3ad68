import { Inject, Injectable } from '@nestjs/common';
import { AccountService } from '../accounts/account.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import {
  ConversationRuntime,
  KEAP_DISCONNECTED,
} from '../conversations/conversation-runtime.service';
import type { Conversation } from '../conversations/conversation.entity';
import { ConversationRepository } from '../conversations/conversation.repository';
import { isUuid } from '../database/is-uuid';
import { NotFoundError } from '../errors/domain-error';
import { RefusedStartRepository } from '../refused-starts/refused-start.repository';
import { MessageRepository } from '../messages/message.repository';
import { decodeCursor, encodeCursor } from './page-cursor';
import type {
  ConversationDetail,
  ConversationFilter,
  ConversationRecord,
  ConversationSummary,
  RefusedStart,
} from './conversation-history.dto';

/** The conversation history of the signed-in account: list with filters, one transcript, end by hand. */
@Injectable()
export class ConversationHistoryService {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly refusedHttpStarts: RefusedStartRepository,
    private readonly runtime: ConversationRuntime,
    private readonly accounts: AccountService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(
    accountId: string,
    f: ConversationFilter,
  ): Promise<{ items: ConversationSummary[]; nextCursor: string | null }> {
    const rows = await this.conversations.listPage(accountId, {
      ...f,
      after: decodeCursor(f.cursor),
      // One more than the page: there is a next page when it comes back.
      limit: f.limit + 1,
    });
    const items = rows.slice(0, f.limit).map(({ conversation: c, toolName, version }) => ({
      id: c.id,
      toolId: c.toolId,
      toolName: toolName ?? '',
      version,
      phone: c.phone,
      contactId: c.contactId,
      status: c.status,
      currentStepId: c.currentStepId,
      startedAt: c.startedAt.toISOString(),
      lastActivityAt: c.lastActivityAt.toISOString(),
      trigger: c.trigger,
    }));
    const last = rows[f.limit - 1]?.conversation;
    const nextCursor =
      rows.length > f.limit && last
        ? encodeCursor({ startedAt: last.startedAt.toISOString(), id: last.id })
        : null;
    return { items, nextCursor };
  }

  async detail(accountId: string, id: string): Promise<ConversationDetail> {
    const conversation = await this.find(accountId, id);
    const messages = await this.messages.transcriptOf(conversation.id, accountId);
    const events = await this.conversations.eventsOf(conversation.id);
    const account = await this.accounts.get(accountId);
    return {
      conversation: this.view(conversation),
      messages: messages.map((m) => ({
        id: m.id,
        direction: m.direction,
        body: m.body,
        mediaUrls: m.mediaUrls,
        status: m.status,
        errorCode: m.errorCode,
        createdAt: m.createdAt.toISOString(),
        stepId: m.stepId,
      })),
      events: events.map((e) => ({
        type: e.type,
        detail: e.detail,
        createdAt: e.createdAt.toISOString(),
      })),
      contactUrl: conversation.contactId
        ? keapContactUrl(account.keapAppName, conversation.contactId)
        : null,
    };
  }

  /**
   * Starts that did not happen, kept (nothing a contact or a campaign sent is dropped) with the
   * reason, newest first, for the console to show: keyword texts that matched a tool while the
   * account's Keap was disconnected, and campaigns' HTTP Posts a tool could not start.
   */
  async refusedStarts(accountId: string, limit: number): Promise<RefusedStart[]> {
    const rows = await this.messages.refusedTexts(accountId, KEAP_DISCONNECTED, limit);
    const texts: RefusedStart[] = rows.map((r) => ({
      kind: 'text',
      id: r.id,
      phone: r.phone,
      sender: r.senderKey,
      body: r.body,
      receivedAt: r.receivedAt.toISOString(),
      code: KEAP_DISCONNECTED,
      reason:
        'Keap is disconnected, so this text did not start a conversation: reconnect Keap to start conversations.',
    }));
    const posts: RefusedStart[] = (await this.refusedHttpStarts.latest(accountId, limit)).map(
      (r) => ({ kind: 'http_post', ...r, receivedAt: r.receivedAt.toISOString() }),
    );
    // Both newest first; merged by time (ISO strings of one format compare as the times do).
    return [...texts, ...posts]
      .sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0))
      .slice(0, limit);
  }

  /** Ends the conversation by hand (the machine's `end` event), so nobody stays stuck. */
  async end(accountId: string, id: string): Promise<ConversationRecord> {
    const conversation = await this.find(accountId, id);
    await this.runtime.applyEvent(conversation.id, () => ({
      type: 'end',
      at: new Date().toISOString(),
    }));
    return this.view(await this.find(accountId, id));
  }

  private async find(accountId: string, id: string): Promise<Conversation> {
    const notFound = new NotFoundError('The conversation', 'conversation_not_found');
    if (!isUuid(id)) throw notFound;
    const c = await this.conversations.inAccount(accountId, id);
    if (!c) throw notFound;
    return c;
  }

  private view(c: Conversation): ConversationRecord {
    return {
      id: c.id,
      toolId: c.toolId,
      toolVersionId: c.toolVersionId,
      phone: c.phone,
      contactId: c.contactId,
      status: c.status,
      currentStepId: c.currentStepId,
      trigger: c.trigger,
      startedAt: c.startedAt.toISOString(),
      lastActivityAt: c.lastActivityAt.toISOString(),
      endedAt: c.endedAt?.toISOString() ?? null,
      expiresAt: c.expiresAt?.toISOString() ?? null,
    };
  }
}

/** The contact's page in the Keap web app. */
function keapContactUrl(appName: string, contactId: number): string {
  return `https://${appName}.infusionsoft.com/Contact/manageContact.jsp?view=edit&ID=${contactId}`;
}
