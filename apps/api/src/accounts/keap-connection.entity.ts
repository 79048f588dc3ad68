import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Account } from './account.entity';

/** The account's Keap OAuth grant. Tokens are sealed with SecretBox; never log or return them. */
@Entity('keap_connections')
export class KeapConnection {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @OneToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column({ name: 'access_token_sealed', type: 'text' })
  accessTokenSealed!: string;

  @Column({ name: 'refresh_token_sealed', type: 'text' })
  refreshTokenSealed!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'text', default: '' })
  scope!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
