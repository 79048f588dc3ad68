import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Account } from './account.entity';

export type TwilioConnectionStatus = 'connected' | 'rejected';

/**
 * The account's Twilio credentials: the Account SID with either its Auth Token or an API key and
 * secret. Secrets are sealed with SecretBox; never log or return them.
 */
@Entity('twilio_connections')
export class TwilioConnection {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @OneToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column({ name: 'account_sid', type: 'text', unique: true })
  accountSid!: string;

  /** The Auth Token (also what signs inbound webhooks), sealed. */
  @Column({ name: 'auth_token_sealed', type: 'text' })
  authTokenSealed!: string;

  @Column({ name: 'api_key_sid', type: 'text', nullable: true })
  apiKeySid!: string | null;

  @Column({ name: 'api_key_secret_sealed', type: 'text', nullable: true })
  apiKeySecretSealed!: string | null;

  /**
   * 'rejected' once Twilio refused these credentials (20003 / 401) on a call the app made with
   * them (senders, buying, sending): changed or revoked in Twilio since they were saved. Back to
   * 'connected' on the next call Twilio accepts, or when credentials are saved again.
   */
  @Column({ name: 'status', type: 'text', default: 'connected' })
  status!: TwilioConnectionStatus;

  /** Why Twilio refused them, for the console (which credential, the error, when). */
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  /**
   * When a Twilio webhook of this account (its AccountSid) first failed the signature check with
   * the saved Auth Token: Twilio signs with another one (rotated in Twilio's console), so inbound
   * texts are refused. The console says so until credentials are saved again; null: none refused.
   */
  @Column({ name: 'inbound_refused_since', type: 'timestamptz', nullable: true })
  inboundRefusedSince!: Date | null;

  /**
   * Set when credentials are saved after refusals (from inboundRefusedSince): the texts Twilio
   * received since then are fetched back from it; cleared once they are. Null: nothing to fetch.
   */
  @Column({ name: 'refused_texts_since', type: 'timestamptz', nullable: true })
  refusedTextsSince!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
