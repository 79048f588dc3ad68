import { Injectable } from '@nestjs/common';
import type { ContactSnapshot, ConversationState, ConversationStatus } from '@sms-seq/engine';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { isUuid } from '../database/is-uuid';
import { ToolVersion } from '../tools/tool-version.entity';
import { Tool } from '../tools/tool.entity';
import { ConversationEventRecord } from './conversation-event.entity';
import { Conversation, type KeapCallCounts } from './conversation.entity';
import { escapeLike, readConversationSearch } from './conversation-search';
import { type PhoneLine, phoneLineKey } from '../messages/phone-line';

/** The conversation list's filters (each optional) and page. */
export interface ConversationListFilter {
  toolId?: string;
  status?: ConversationStatus;
  /** Phones containing these digits (any format). */
  phone?: string;
  /**
   * A phone in any common form (digits inside the stored phone), the contact's first and/or last
   * name, the Keap contact id, or words in any text of the transcript (`conversation-search.ts`).
   */
  q?: string;
  from?: Date;
  to?: Date;
  /** The page starts after this conversation. */
  after: { startedAt: string; id: string } | null;
  limit: number;
}

/** A conversation of the list, with its tool's name and version (null when gone). */
export interface ListedConversation {
  conversation: Conversation;
  toolName: string | null;
  version: number | null;
}

/**
 * Conversations and their events (`conversations`, `conversation_events`).
 * Every method takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class ConversationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The conversation; throws when there is none. */
  async get(id: string, m?: EntityManager): Promise<Conversation> {
    return this.manager(m).getRepository(Conversation).findOneByOrFail({ id });
  }

  async byId(id: string, m?: EntityManager): Promise<Conversation | null> {
    return this.manager(m).getRepository(Conversation).findOneBy({ id });
  }

  /** The conversation, its row locked for the rest of the caller's transaction. */
  async lockById(id: string, m: EntityManager): Promise<Conversation | null> {
    return m
      .getRepository(Conversation)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Whether the contact is in a conversation of the tool now, other than `except`. */
  async contactInTool(
    toolId: string,
    contactId: number,
    except: string,
    m?: EntityManager,
  ): Promise<boolean> {
    const rows: unknown[] = await this.manager(m).query(
      `SELECT 1 FROM conversations
        WHERE tool_id = $1 AND contact_id = $2 AND ended_at IS NULL AND id <> $3 LIMIT 1`,
      [toolId, contactId, except],
    );
    return rows.length > 0;
  }

  /** The line's unfinished conversation, its row locked. */
  async activeFor(line: PhoneLine, m: EntityManager): Promise<Conversation | null> {
    const { accountId, senderKey, phone } = line;
    return m.getRepository(Conversation).findOne({
      where: { accountId, senderKey, phone, endedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** A conversation just started; the row as stored (with its id). */
  async storeStarted(
    started: Omit<Conversation, 'id' | 'createdAt' | 'updatedAt'>,
    m: EntityManager,
  ): Promise<Conversation> {
    const row = m.getRepository(Conversation).create(started);
    return m.getRepository(Conversation).save(row);
  }

  /** The engine's new state and the columns that copy it. */
  async storeState(
    conversation: Pick<
      Conversation,
      | 'id'
      | 'state'
      | 'status'
      | 'currentStepId'
      | 'contact'
      | 'contactId'
      | 'lastActivityAt'
      | 'endedAt'
      | 'nextTickAt'
      | 'expiresAt'
    >,
    m: EntityManager,
  ): Promise<void> {
    // Raw SQL on the hot path (every reply): the repository's save reads the row back and diffs it.
    await m.query(
      `UPDATE conversations
          SET state = $2, status = $3, current_step_id = $4, contact = $5, contact_id = $6, last_activity_at = $7,
              ended_at = $8, next_tick_at = $9, expires_at = $10, updated_at = now()
        WHERE id = $1`,
      [
        conversation.id,
        JSON.stringify(conversation.state),
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
  }

  /** The contact found for a conversation that ended while it was looked up. */
  async storeContactOfEnded(
    id: string,
    state: ConversationState,
    contact: ContactSnapshot,
    m: EntityManager,
  ): Promise<void> {
    await m.query(
      `UPDATE conversations SET state = $2, contact = $3, contact_id = $4, updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(state), JSON.stringify(contact), contact.id],
    );
  }

  /** The "without activity" clock restarted at `lastActivityAt` (a question went out late). */
  async restartClock(
    id: string,
    state: ConversationState,
    lastActivityAt: Date,
    nextTickAt: Date | null,
    expiresAt: Date,
    m: EntityManager,
  ): Promise<void> {
    await m.query(
      `UPDATE conversations SET state = $2, last_activity_at = $3, next_tick_at = $4, expires_at = $5, updated_at = now()
          WHERE id = $1`,
      [id, JSON.stringify(state), lastActivityAt, nextTickAt, expiresAt],
    );
  }

  /** A line of the conversation's history (`conversation_events`). */
  async recordEvent(
    conversationId: string,
    type: string,
    detail: Record<string, unknown>,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).query(
      `INSERT INTO conversation_events (conversation_id, type, detail) VALUES ($1, $2, $3)`,
      [conversationId, type, JSON.stringify(detail)],
    );
  }

  /**
   * Adds Keap calls to the conversation's tally, in one statement (kinds with no calls are left
   * out; nothing is written when none was made).
   */
  async addKeapCalls(
    conversationId: string,
    calls: KeapCallCounts,
    m?: EntityManager,
  ): Promise<void> {
    const made = Object.fromEntries(Object.entries(calls).filter(([, n]) => n));
    if (Object.keys(made).length === 0) return;
    await this.manager(m).query(
      `UPDATE conversations c
          SET keap_calls = c.keap_calls || (SELECT jsonb_object_agg(e.key, COALESCE((c.keap_calls->>e.key)::int, 0) + e.value::int)
                                              FROM jsonb_each_text($2::jsonb) AS e)
        WHERE id = $1`,
      [conversationId, JSON.stringify(made)],
    );
  }

  /**
   * The conversation's Keap call tally once it has ended and none of its Keap work (`keapWork`:
   * outbox kinds) is pending; null before.
   */
  async keapCallsOnceDone(
    conversationId: string,
    keapWork: readonly string[],
    m?: EntityManager,
  ): Promise<KeapCallCounts | null> {
    const rows: { keap_calls: KeapCallCounts | null }[] = await this.manager(m).query(
      `SELECT c.keap_calls FROM conversations c
          WHERE c.id = $1 AND c.ended_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.conversation_id = c.id AND o.done_at IS NULL AND o.kind = ANY($2::text[]))`,
      [conversationId, keapWork],
    );
    const row = rows[0];
    return row ? (row.keap_calls ?? {}) : null;
  }

  /** The Keap call tallies of the account's latest `count` conversations (by start). */
  async latestKeapCalls(
    accountId: string,
    count: number,
    m?: EntityManager,
  ): Promise<KeapCallCounts[]> {
    const rows: { keap_calls: KeapCallCounts | null }[] = await this.manager(m).query(
      `SELECT keap_calls FROM conversations WHERE account_id = $1 ORDER BY started_at DESC, created_at DESC LIMIT $2`,
      [accountId, count],
    );
    return rows.map((r) => r.keap_calls ?? {});
  }

  /**
   * Conversations whose reminder or expiry is due (at most 200, the most overdue first), except
   * those with a question still waiting to go out for less than `heldAtMostMs`: the contact has
   * not seen it yet.
   */
  async dueForTick(heldAtMostMs: number, m?: EntityManager): Promise<string[]> {
    const due: { id: string }[] = await this.manager(m).query(
      `SELECT c.id FROM conversations c
        WHERE c.ended_at IS NULL AND c.next_tick_at <= now()
          AND NOT EXISTS (SELECT 1 FROM messages m
                           WHERE m.conversation_id = c.id AND m.direction = 'out'
                             AND m.status IN ('queued', 'sending', 'unknown')
                             AND m.purpose IS DISTINCT FROM 'reminder'
                             AND m.created_at > now() - $1 * interval '1 millisecond')
        ORDER BY c.next_tick_at LIMIT 200`,
      [heldAtMostMs],
    );
    return due.map((d) => d.id);
  }

  /** The conversation, if it is the account's. */
  async inAccount(accountId: string, id: string, m?: EntityManager): Promise<Conversation | null> {
    return this.manager(m).getRepository(Conversation).findOne({ where: { id, accountId } });
  }

  /** The conversation's events, oldest first. */
  async eventsOf(conversationId: string, m?: EntityManager): Promise<ConversationEventRecord[]> {
    return this.manager(m)
      .getRepository(ConversationEventRecord)
      .find({ where: { conversationId }, order: { createdAt: 'ASC' } });
  }

  /**
   * One page of the account's conversations, newest first, with their tool's name and version:
   * `filter.limit` rows at most, after `filter.after` when given.
   */
  async listPage(
    accountId: string,
    filter: ConversationListFilter,
    m?: EntityManager,
  ): Promise<ListedConversation[]> {
    const qb = this.manager(m)
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
    if (filter.toolId)
      qb.andWhere('c.tool_id = :toolId', {
        toolId: isUuid(filter.toolId) ? filter.toolId : '00000000-0000-0000-0000-000000000000',
      });
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (filter.phone)
      qb.andWhere('c.phone LIKE :phone', {
        phone: `%${escapeLike(filter.phone.replace(/[^\d+]/g, ''))}%`,
      });
    if (filter.q) {
      const search = readConversationSearch(filter.q);
      const anyOf = [
        'c.phone ILIKE :q',
        'CAST(c.contact_id AS text) = :qExact',
        'EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.account_id = c.account_id AND m.body ILIKE :q)',
      ];
      const params: Record<string, string> = {
        q: `%${escapeLike(filter.q)}%`,
        qExact: filter.q,
      };
      if (search.phoneDigits) {
        anyOf.push(`regexp_replace(c.phone, '[^0-9]', '', 'g') LIKE :qDigits`);
        params.qDigits = `%${escapeLike(search.phoneDigits)}%`;
      }
      if (search.nameWords.length > 0) {
        // Every word in the first or last name the conversation read from Keap, in any order.
        const name = `(COALESCE(c.contact -> 'fields' ->> 'FirstName', '') || ' ' || COALESCE(c.contact -> 'fields' ->> 'LastName', ''))`;
        anyOf.push(`(${search.nameWords.map((_, i) => `${name} ILIKE :qName${i}`).join(' AND ')})`);
        search.nameWords.forEach((word, i) => {
          params[`qName${i}`] = `%${escapeLike(word)}%`;
        });
      }
      qb.andWhere(`(${anyOf.join(' OR ')})`, params);
    }
    if (filter.from) qb.andWhere('c.started_at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('c.started_at < :to', { to: filter.to });
    const after = filter.after;
    if (after)
      qb.andWhere('(c.started_at, c.id) < (:cs, :ci)', {
        cs: new Date(after.startedAt),
        ci: after.id,
      });
    qb.orderBy('c.started_at', 'DESC').addOrderBy('c.id', 'DESC').limit(filter.limit);
    const { entities, raw } = await qb.getRawAndEntities<{
      tool_name: string | null;
      version: number | null;
    }>();
    return entities.map((conversation, i) => ({
      conversation,
      toolName: raw[i]?.tool_name ?? null,
      version: raw[i]?.version ?? null,
    }));
  }

  /**
   * Takes the line's transaction-scoped advisory lock (all conversation work on one phone at one
   * sender of one account) if it is free; never waits for it.
   */
  async tryLockPhone(line: PhoneLine, m: EntityManager): Promise<boolean> {
    const rows: { locked: boolean }[] = await m.query(
      'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
      [phoneLineKey(line)],
    );
    return rows[0]?.locked === true;
  }

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }
}
