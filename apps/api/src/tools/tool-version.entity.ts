import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { ToolDefinition } from '@sms-seq/engine';
import type { Tool } from './tool.entity';

/** An immutable published definition. A conversation finishes on the version it started on. */
@Entity('tool_versions')
@Index('tool_versions_tool_version_unique', ['toolId', 'version'], { unique: true })
export class ToolVersion {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tool_id', type: 'uuid' })
  toolId!: string;

  @ManyToOne('Tool', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tool_id' })
  tool?: Tool;

  @Index()
  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  /** 1, 2, 3… per tool. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  definition!: ToolDefinition;

  @CreateDateColumn({ name: 'published_at', type: 'timestamptz' })
  publishedAt!: Date;

  /** The Keap user signed in when it was published (their name or email); null when not known. */
  @Column({ name: 'published_by', type: 'text', nullable: true })
  publishedBy!: string | null;
}
