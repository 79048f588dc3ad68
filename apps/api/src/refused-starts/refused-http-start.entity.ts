import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Why a campaign's HTTP Post to a valid tool URL started nothing: the code Keap was answered
 * (the first four), or what the worker found when it performed the start (the rest; Keap
 * disconnected or the tool switched off meanwhile reuse the first codes).
 */
export const REFUSED_HTTP_START_CODES = [
  'account_disconnected',
  'tool_not_published',
  'tool_disabled',
  'unknown_step',
  'no_contact',
  'keap_refused',
  'no_phone',
  'not_a_phone',
  'in_conversation',
  'opted_out',
] as const;
export type RefusedHttpStartCode = (typeof REFUSED_HTTP_START_CODES)[number];

/**
 * A Keap campaign's "Send HTTP Post" to a tool URL with the right secret that started nothing
 * (Keap disconnected, the tool not published or switched off, a step the tool does not have; or,
 * once queued, no such contact in Keap, no usable number in the tool's phone field, the number
 * busy or opted out). No marketer ever sees Keap's answer, so it is kept here for the console. Never written for a wrong secret or an unknown tool: that is unauthenticated noise.
 */
@Entity('refused_http_starts')
@Index('refused_http_starts_account_created', ['accountId', 'createdAt'])
export class RefusedHttpStart {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'tool_id', type: 'uuid' })
  toolId!: string;

  /** The Keap contact id the campaign posted (`~Contact.Id~`). */
  @Column({ name: 'contact_id', type: 'integer' })
  contactId!: number;

  /** The start step the campaign asked for (`step`), as sent; null: the first step. */
  @Column({ name: 'start_step', type: 'text', nullable: true })
  startStep!: string | null;

  @Column({ type: 'text' })
  code!: RefusedHttpStartCode;

  /** Why, for a person: the message Keap was answered with, or the worker's sentence. */
  @Column({ type: 'text' })
  reason!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
