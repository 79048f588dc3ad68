import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Who opted out of texts from which sender (`opt_outs`).
 * Every method takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class OptOutRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The number opted out of the sender's texts (`source`: the keyword, or `provider`). */
  async add(
    accountId: string,
    senderKey: string,
    phone: string,
    source: string,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).query(
      `INSERT INTO opt_outs (account_id, sender_key, phone, source) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [accountId, senderKey, phone, source],
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

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }
}
