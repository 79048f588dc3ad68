import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export type AccountStatus = 'active' | 'disconnected';

/** One installed Keap app (one Keap tenant). Everything else belongs to exactly one account. */
@Entity('accounts')
export class Account {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Keap's application name (tenant), e.g. "ab123"; unique per install. */
  @Column({ name: 'keap_app_name', type: 'text', unique: true })
  keapAppName!: string;

  @Column({ type: 'text', default: '' })
  name!: string;

  @Column({ type: 'text', default: 'active' })
  status!: AccountStatus;

  /** Why the account is disconnected (e.g. the Keap grant was revoked), for the console. */
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  /** Default country for reading phone numbers without a country code (ISO 3166 alpha-2). */
  @Column({ name: 'default_country', type: 'text', default: 'US' })
  defaultCountry!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
