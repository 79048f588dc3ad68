import type { StepId } from '@sms-seq/engine';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The queue a piece of work goes to. */
export type OutboxKind =
  | 'inbound'
  | 'start_http'
  | 'send_message'
  | 'apply_tag'
  | 'achieve_goal'
  | 'save_field'
  | 'resolve_contact'
  | 'write_note';

/** A campaign's HTTP Post start, accepted by the tool URL and performed from the queue. */
export interface HttpStartPayload {
  toolId: string;
  toolVersionId: string;
  senderKey: string;
  contactId: number;
  startStepId: StepId | null;
  receivedAt: string;
}

/**
 * Work to perform, committed in the same transaction as the state change that asked for it. The
 * relay moves rows to Bull and re-publishes any not done in time, so a Redis outage or a crash
 * delays work and never loses it. `done_at` set: performed (a redelivered job sees it and stops).
 */
@Entity('outbox')
@Index('outbox_pending', ['publishedAt'], { where: 'done_at IS NULL' })
export class OutboxEntry {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Index()
  @Column({ name: 'conversation_id', type: 'uuid', nullable: true })
  conversationId!: string | null;

  @Column({ type: 'text' })
  kind!: OutboxKind;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  /** Planned for later (quiet hours, the sender's next slot): the relay leaves it until then. */
  @Column({ name: 'not_before', type: 'timestamptz', nullable: true })
  notBefore!: Date | null;

  @Column({ name: 'done_at', type: 'timestamptz', nullable: true })
  doneAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
