import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ConversationRuntime } from '../conversations/conversation-runtime.service';
import { ConversationEventRecord } from '../conversations/conversation-event.entity';
import { Conversation } from '../conversations/conversation.entity';
import { Message } from '../messages/message.entity';
import { AccountService } from '../accounts/account.service';
import { NotFoundError } from '../errors/domain-error';
import { Tool } from '../tools/tool.entity';
import { ToolVersion } from '../tools/tool-version.entity';
import { isUuid } from '../database/is-uuid';
import { decodeCursor, encodeCursor } from './page-cursor';
import { KEAP_DISCONNECTED } from '../conversations/conversation-runtime.service';
import { listRefusedHttpStarts } from '../inbound/refused-http-starts';
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
    @InjectDataSource() private readonly db: DataSource,
    private readonly runtime: ConversationRuntime,
    private readonly accounts: AccountService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(
    accountId: string,
    f: ConversationFilter,
  ): Promise<{ items: ConversationSummary[]; nextCursor: string | null }> {
    const qb = this.db
      .getRepository(Conversation)
      .createQueryBuilder('c')
      .leftJoin(Tool, 't', 't.id = c.tool_id AND t.account_id = c.account_id')
      .leftJoin(ToolVersion, 'v', 'v.id = c.tool_version_id AND v.account_id = c.account_id')
      .select([
        'c.id',
        'c.toolId',
        'c.phone',
        'c.contactId',
        'c.status',
        'c.currentStepId',
        'c.startedAt',
        'c.lastActivityAt',
        'c.trigger',
      ])
      .addSelect('t.name', 'tool_name')
      .addSelect('v.version', 'version')
      .where('c.account_id = :accountId', { accountId });
    if (f.toolId)
      qb.andWhere('c.tool_id = :toolId', {
        toolId: isUuid(f.toolId) ? f.toolId : '00000000-0000-0000-0000-000000000000',
      });
    if (f.status) qb.andWhere('c.status = :status', { status: f.status });
    if (f.phone)
      qb.andWhere('c.phone LIKE :phone', {
        phone: `%${escapeLike(f.phone.replace(/[^\d+]/g, ''))}%`,
      });
    if (f.q) {
      qb.andWhere(
        `(c.phone ILIKE :q OR CAST(c.contact_id AS text) = :qExact OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.account_id = c.account_id AND m.body ILIKE :q))`,
        { q: `%${escapeLike(f.q)}%`, qExact: f.q },
      );
    }
    if (f.from) qb.andWhere('c.started_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('c.started_at < :to', { to: f.to });
    const cursor = decodeCursor(f.cursor);
    if (cursor)
      qb.andWhere('(c.started_at, c.id) < (:cs, :ci)', {
        cs: new Date(cursor.startedAt),
        ci: cursor.id,
      });
    qb.orderBy('c.started_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(f.limit + 1);
    const { entities, raw } = await qb.getRawAndEntities<{
      tool_name: string | null;
      version: number | null;
    }>();
    const items = entities.slice(0, f.limit).map((c, i) => ({
      id: c.id,
      toolId: c.toolId,
      toolName: raw[i]?.tool_name ?? '',
      version: raw[i]?.version ?? null,
      phone: c.phone,
      contactId: c.contactId,
      status: c.status,
      currentStepId: c.currentStepId,
      startedAt: c.startedAt.toISOString(),
      lastActivityAt: c.lastActivityAt.toISOString(),
      trigger: c.trigger,
    }));
    const last = entities[f.limit - 1];
    const nextCursor =
      entities.length > f.limit && last
        ? encodeCursor({ startedAt: last.startedAt.toISOString(), id: last.id })
        : null;
    return { items, nextCursor };
  }

  async detail(accountId: string, id: string): Promise<ConversationDetail> {
    const conversation = await this.find(accountId, id);
    const messages = await this.db.getRepository(Message).find({
      where: { conversationId: conversation.id, accountId },
      order: { createdAt: 'ASC' },
    });
    const events = await this.db
      .getRepository(ConversationEventRecord)
      .find({ where: { conversationId: conversation.id }, order: { createdAt: 'ASC' } });
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
    const rows: {
      id: string;
      phone: string;
      sender_key: string;
      body: string;
      created_at: Date;
    }[] = await this.db.query(
      `SELECT id, phone, sender_key, body, created_at FROM messages
        WHERE account_id = $1 AND direction = 'in' AND conversation_id IS NULL AND error_code = $2
        ORDER BY created_at DESC, seq DESC LIMIT $3`,
      [accountId, KEAP_DISCONNECTED, limit],
    );
    const texts: RefusedStart[] = rows.map((r) => ({
      kind: 'text',
      id: r.id,
      phone: r.phone,
      sender: r.sender_key,
      body: r.body,
      receivedAt: r.created_at.toISOString(),
      code: KEAP_DISCONNECTED,
      reason:
        'Keap is disconnected, so this text did not start a conversation: reconnect Keap to start conversations.',
    }));
    const posts: RefusedStart[] = (await listRefusedHttpStarts(this.db, accountId, limit)).map(
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
    const c = await this.db.getRepository(Conversation).findOne({ where: { id, accountId } });
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

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
