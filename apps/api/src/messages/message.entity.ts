import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export type MessageDirection = 'in' | 'out';

/**
 * Inbound: `received` (stored by the webhook) → `processed` (the runtime handled it).
 * Outbound: `queued` → `sending` (claimed right before the provider is called, so a retry never
 * sends twice) → `sent` → `delivered` | `undelivered` | `failed`; `suppressed` when it must not go
 * out (opted out, cannot receive, the conversation ended by hand; `error_code` says which);
 * `unknown` when the provider's answer never came (or a worker died mid-call): the provider is
 * asked for it before it may be sent again.
 */
export type MessageStatus =
  | 'received'
  | 'processed'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'suppressed'
  | 'unknown';

/** Every text in and out. Nothing a contact sent is dropped, even when it matched nothing. */
@Entity('messages')
// The sends of a conversation not out yet, in the order they were asked for.
@Index('messages_conversation_unsent', ['conversationId', 'seq'], {
  where: "direction = 'out' AND status IN ('queued', 'sending', 'unknown')",
})
@Index('messages_pending_inbound', ['accountId', 'senderKey', 'phone', 'createdAt'], {
  where: "direction = 'in' AND status = 'received'",
})
// Per account: the same MessageSid from another account's webhook can neither collide nor be told apart.
@Index('messages_account_provider_sid', ['accountId', 'providerSid'], { unique: true })
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The order rows were written in (created_at is one value per transaction); bigint, read as a string. */
  @Column({ type: 'bigint', generated: 'increment' })
  seq!: string;

  @Index()
  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Index()
  @Column({ name: 'conversation_id', type: 'uuid', nullable: true })
  conversationId!: string | null;

  @Column({ type: 'text' })
  direction!: MessageDirection;

  /** The contact's phone (From of inbound, To of outbound). */
  @Column({ type: 'text' })
  phone!: string;

  @Column({ name: 'sender_key', type: 'text' })
  senderKey!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'media_urls', type: 'jsonb', default: () => "'[]'" })
  mediaUrls!: string[];

  /** Twilio's MessageSid (SM…/MM…): unique per account, so the same webhook twice stores one row. */
  @Column({ name: 'provider_sid', type: 'text', nullable: true })
  providerSid!: string | null;

  @Column({ type: 'text' })
  status!: MessageStatus;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'step_id', type: 'text', nullable: true })
  stepId!: string | null;

  /** Inbound: Twilio's Advanced Opt-Out verdict (STOP, START, HELP) when the sender has it on. */
  @Column({ name: 'opt_out_type', type: 'text', nullable: true })
  optOutType!: string | null;

  /** Outbound: step | reask | reminder. */
  @Column({ type: 'text', nullable: true })
  purpose!: string | null;

  /** Outbound: when the last send attempt was claimed (the provider is searched from there). */
  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
