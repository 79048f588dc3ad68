import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What happened in a conversation and why: started, condition matched, fallback, tag applied,
 * field saved, note written, ended. Feeds the history view and the funnel analytics.
 */
@Entity('conversation_events')
@Index('conversation_events_conversation', ['conversationId', 'createdAt'])
export class ConversationEventRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  detail!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
