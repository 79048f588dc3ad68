import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { escapeLike, readConversationSearch } from './conversation-search';

/**
 * Where a page of opt-outs ends: `at` is created_at as PostgreSQL wrote it (microseconds, which a
 * JavaScript Date would round away and so skip or repeat rows).
 */
export interface OptOutKey {
  at: string;
  senderKey: string;
  phone: string;
}

export interface ListedOptOut {
  senderKey: string;
  phone: string;
  /** The word texted, or `provider` (Twilio reported the number unsubscribed). */
  source: string;
  createdAt: Date;
  key: OptOutKey;
  toolId: string | null;
  toolName: string | null;
}

/**
 * Who opted out of texts from which sender (`opt_outs`).
 * Every method takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class OptOutRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The number opted out of the sender's texts (`source`: the keyword, or `provider`), ending
   * `conversationId` if it was in one.
   */
  async add(
    accountId: string,
    senderKey: string,
    phone: string,
    source: string,
    conversationId: string | null,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).query(
      `INSERT INTO opt_outs (account_id, sender_key, phone, source, conversation_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [accountId, senderKey, phone, source, conversationId],
    );
  }

  async isOptedOut(
    accountId: string,
    senderKey: string,
    phone: string,
    m?: EntityManager,
  ): Promise<boolean> {
    const rows: unknown[] = await this.manager(m).query(
      `SELECT 1 FROM opt_outs WHERE account_id = $1 AND sender_key = $2 AND phone = $3`,
      [accountId, senderKey, phone],
    );
    return rows.length > 0;
  }

  /** The number opted in again (START): the sender may text it. */
  async remove(
    accountId: string,
    senderKey: string,
    phone: string,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).query(
      `DELETE FROM opt_outs WHERE account_id = $1 AND sender_key = $2 AND phone = $3`,
      [accountId, senderKey, phone],
    );
  }

  /**
   * The account's opt-outs, newest first, with the tool of the conversation each ended. `q`: a
   * phone in any form (its digits inside the stored phone's), else words in the phone, the word
   * texted or the tool's name.
   */
  async listPage(
    accountId: string,
    page: { q?: string; after: OptOutKey | null; limit: number },
    m?: EntityManager,
  ): Promise<ListedOptOut[]> {
    const where = ['o.account_id = $1'];
    const params: unknown[] = [accountId];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (page.q) {
      const search = readConversationSearch(page.q);
      if (search.phoneDigits) {
        const digits = param(`%${escapeLike(search.phoneDigits)}%`);
        where.push(`regexp_replace(o.phone, '[^0-9]', '', 'g') LIKE ${digits}`);
      } else {
        const words = param(`%${escapeLike(search.text)}%`);
        where.push(`(o.phone ILIKE ${words} OR o.source ILIKE ${words} OR t.name ILIKE ${words})`);
      }
    }
    if (page.after)
      where.push(
        `(o.created_at, o.sender_key, o.phone) < (${param(page.after.at)}::timestamptz, ${param(page.after.senderKey)}, ${param(page.after.phone)})`,
      );
    const rows: {
      sender_key: string;
      phone: string;
      source: string;
      created_at: Date;
      at_key: string;
      tool_id: string | null;
      tool_name: string | null;
    }[] = await this.manager(m).query(
      `SELECT o.sender_key, o.phone, o.source, o.created_at, o.created_at::text AS at_key,
              t.id AS tool_id, t.name AS tool_name
       FROM opt_outs o
       LEFT JOIN conversations c ON c.id = o.conversation_id AND c.account_id = o.account_id
       LEFT JOIN tools t ON t.id = c.tool_id AND t.account_id = o.account_id
       WHERE ${where.join(' AND ')}
       ORDER BY o.created_at DESC, o.sender_key DESC, o.phone DESC
       LIMIT ${param(page.limit)}`,
      params,
    );
    return rows.map((r) => ({
      senderKey: r.sender_key,
      phone: r.phone,
      source: r.source,
      createdAt: r.created_at,
      key: { at: r.at_key, senderKey: r.sender_key, phone: r.phone },
      toolId: r.tool_id,
      toolName: r.tool_name,
    }));
  }

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }
}
