import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type {
  ContactSnapshot,
  ConversationState,
  ConversationStatus,
  StartTrigger,
} from '@sms-seq/engine';

/** Keap calls made for one conversation, by kind (for the budget report). */
export type KeapCallCounts = Partial<Record<string, number>>;

/**
 * One run of a tool for one phone number. `state` is the engine's state, stored whole; the
 * columns beside it are copies for routing, listing and the expiry sweep.
 */
@Entity('conversations')
// One unfinished conversation per phone per sender of an account: a second keyword text is a reply.
@Index('conversations_one_active_per_phone', ['accountId', 'senderKey', 'phone'], {
  unique: true,
  where: 'ended_at IS NULL',
})
@Index('conversations_next_tick', ['nextTickAt'], { where: 'ended_at IS NULL' })
@Index('conversations_account_started', ['accountId', 'startedAt'])
@Index('conversations_tool_started', ['toolId', 'startedAt'])
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'tool_id', type: 'uuid' })
  toolId!: string;

  /** The version it started on; it finishes on it. */
  @Column({ name: 'tool_version_id', type: 'uuid' })
  toolVersionId!: string;

  /** E.164 (or the raw text when the number could not be read). */
  @Column({ type: 'text' })
  phone!: string;

  /** `phone:+1…` or `service:MG…`, as in Tool.liveSenderKey. */
  @Column({ name: 'sender_key', type: 'text' })
  senderKey!: string;

  @Index()
  @Column({ name: 'contact_id', type: 'integer', nullable: true })
  contactId!: number | null;

  /** Contact data read once per conversation and kept (the engine's ContactSnapshot). */
  @Column({ type: 'jsonb' })
  contact!: ContactSnapshot;

  @Column({ type: 'jsonb' })
  state!: ConversationState;

  @Column({ type: 'text' })
  status!: ConversationStatus;

  @Column({ name: 'current_step_id', type: 'text', nullable: true })
  currentStepId!: string | null;

  @Column({ type: 'text' })
  trigger!: StartTrigger;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'last_activity_at', type: 'timestamptz' })
  lastActivityAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  /** When the sweep next sends `tick` (reminder or expiry), in wall-clock time; null once ended. */
  @Column({ name: 'next_tick_at', type: 'timestamptz', nullable: true })
  nextTickAt!: Date | null;

  /** When it expires without activity, in wall-clock time; null once ended. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'keap_calls', type: 'jsonb', default: () => "'{}'" })
  keapCalls!: KeapCallCounts;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
