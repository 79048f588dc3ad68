import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A number that texted STOP to a sender (or that Twilio reported unsubscribed). START removes it. */
@Entity('opt_outs')
export class OptOut {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @PrimaryColumn({ name: 'sender_key', type: 'text' })
  senderKey!: string;

  @PrimaryColumn({ type: 'text' })
  phone!: string;

  /** What recorded it: the word texted, or `provider` for Twilio's signal. */
  @Column({ type: 'text' })
  source!: string;

  /** The conversation the opt-out ended (its tool is the one the contact stopped); null if none. */
  @Column({ name: 'conversation_id', type: 'uuid', nullable: true })
  conversationId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
