import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RefusedHttpStart, type RefusedHttpStartCode } from './refused-http-start.entity';

/**
 * How many refused HTTP starts an account keeps: its newest 500. A count, not an age, because a
 * campaign run while Keap is disconnected posts once per contact, so a day can bring thousands;
 * the console lists at most 200, and the marketer re-runs the campaign, not each contact.
 */
export const REFUSED_HTTP_STARTS_KEPT = 500;

export interface RefusedHttpStartInput {
  accountId: string;
  toolId: string;
  contactId: number;
  startStep: string | null;
  code: RefusedHttpStartCode;
  reason: string;
}

export interface RefusedHttpStartRow {
  id: string;
  toolId: string;
  toolName: string;
  contactId: number;
  contactName: string | null;
  startStep: string | null;
  code: RefusedHttpStartCode;
  reason: string;
  receivedAt: Date;
}

/**
 * Starts refused before a conversation could begin (`refused_http_starts`), kept for the console.
 * Every method takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class RefusedStartRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Keeps the refusal, and drops the account's older ones beyond the newest REFUSED_HTTP_STARTS_KEPT. */
  async record(refusal: RefusedHttpStartInput, m?: EntityManager): Promise<void> {
    await this.manager(m).getRepository(RefusedHttpStart).insert(refusal);
    // One index range scan (account_id, created_at) of at most 500 rows past the kept ones.
    await this.manager(m).query(
      `DELETE FROM refused_http_starts WHERE account_id = $1 AND id IN (
       SELECT id FROM refused_http_starts WHERE account_id = $1
        ORDER BY created_at DESC, id DESC OFFSET $2)`,
      [refusal.accountId, REFUSED_HTTP_STARTS_KEPT],
    );
  }

  /**
   * The account's refused HTTP starts, newest first, with the tool's name (a deleted tool's too)
   * and the contact's first name as the account's latest conversation with that contact read it.
   */
  async latest(
    accountId: string,
    limit: number,
    m?: EntityManager,
  ): Promise<RefusedHttpStartRow[]> {
    const rows: {
      id: string;
      tool_id: string;
      tool_name: string | null;
      contact_id: number;
      first_name: string | null;
      start_step: string | null;
      code: RefusedHttpStartCode;
      reason: string;
      created_at: Date;
    }[] = await this.manager(m).query(
      `SELECT r.id, r.tool_id, t.name AS tool_name, r.contact_id, r.start_step, r.code, r.reason,
            r.created_at,
            (SELECT c.contact -> 'fields' ->> 'FirstName' FROM conversations c
              WHERE c.contact_id = r.contact_id AND c.account_id = r.account_id
              ORDER BY c.started_at DESC LIMIT 1) AS first_name
       FROM refused_http_starts r
       LEFT JOIN tools t ON t.id = r.tool_id AND t.account_id = r.account_id
      WHERE r.account_id = $1
      ORDER BY r.created_at DESC, r.id DESC LIMIT $2`,
      [accountId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      toolId: r.tool_id,
      toolName: r.tool_name ?? '',
      contactId: r.contact_id,
      contactName: r.first_name?.trim() || null,
      startStep: r.start_step,
      code: r.code,
      reason: r.reason,
      receivedAt: r.created_at,
    }));
  }

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }
}
