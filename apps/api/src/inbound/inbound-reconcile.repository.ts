import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { InboundReconcileMark } from './inbound-reconcile-mark.entity';

/**
 * The reconciler's marks (`inbound_reconcile_marks`) and the accounts it visits. Every method
 * takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class InboundReconcileRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }

  /** Accounts whose Twilio credentials work (rejected ones would only be refused again). */
  async connectedAccountIds(m?: EntityManager): Promise<string[]> {
    const rows: { account_id: string }[] = await this.manager(m).query(
      `SELECT account_id FROM twilio_connections WHERE status = 'connected' ORDER BY account_id`,
    );
    return rows.map((r) => r.account_id);
  }

  /** Each number's mark, by number. */
  async marksOf(accountId: string, m?: EntityManager): Promise<Map<string, Date>> {
    const rows = await this.manager(m)
      .getRepository(InboundReconcileMark)
      .find({ where: { accountId } });
    return new Map(rows.map((r) => [r.phoneNumber, r.reconciledUntil]));
  }

  /** Moves a number's mark forward (never back: two runs may overlap). */
  async mark(
    accountId: string,
    phoneNumber: string,
    until: Date,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).query(
      `INSERT INTO inbound_reconcile_marks (account_id, phone_number, reconciled_until)
       VALUES ($1, $2, $3)
       ON CONFLICT (account_id, phone_number) DO UPDATE
         SET reconciled_until = GREATEST(inbound_reconcile_marks.reconciled_until, EXCLUDED.reconciled_until)`,
      [accountId, phoneNumber, until],
    );
  }

  /** Forgets the marks of numbers whose texts no longer come here (see InboundReconciler). */
  async forgetAllBut(accountId: string, phoneNumbers: string[], m?: EntityManager): Promise<void> {
    await this.manager(m).query(
      `DELETE FROM inbound_reconcile_marks WHERE account_id = $1 AND NOT (phone_number = ANY($2::text[]))`,
      [accountId, phoneNumbers],
    );
  }
}
