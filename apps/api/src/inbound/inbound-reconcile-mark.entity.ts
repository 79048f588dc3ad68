import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Account } from '../accounts/account.entity';

/**
 * How far the reconciler has fetched back the texts one of an account's numbers received: every
 * text Twilio listed for it up to `reconciledUntil` is stored. Kept per number (Twilio lists
 * received texts by the number they reached), so a restart resumes where the last run ended.
 */
@Entity('inbound_reconcile_marks')
export class InboundReconcileMark {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @ManyToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @PrimaryColumn({ name: 'phone_number', type: 'text' })
  phoneNumber!: string;

  @Column({ name: 'reconciled_until', type: 'timestamptz' })
  reconciledUntil!: Date;
}
