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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
