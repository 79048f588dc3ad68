import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ToolDefinition } from '@sms-seq/engine';
import type { Account } from '../accounts/account.entity';

/**
 * A configured SMS sequence. `draft` is what the console edits; publishing copies it into an
 * immutable ToolVersion and points `publishedVersionId` at it. The live keyword and sender key are
 * copied from the published version so inbound texts route with one indexed lookup.
 */
@Entity('tools')
// Keywords are the account's own: another account's keyword is never taken nor revealed.
@Index('tools_live_keyword_unique', ['accountId', 'liveSenderKey', 'liveKeyword'], {
  unique: true,
  where: 'deleted_at IS NULL AND live_keyword IS NOT NULL',
})
export class Tool {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @ManyToOne('Account', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb' })
  draft!: ToolDefinition;

  /** Bumped on every draft save, for optimistic concurrency in the console. */
  @Column({ name: 'draft_revision', type: 'integer', default: 1 })
  draftRevision!: number;

  /**
   * The unguessable secret in the tool URL for Keap's "Send HTTP Post", sealed with SecretBox
   * (see tool-url.ts; rows from before sealing are sealed by the SealToolUrlSecrets migration).
   */
  @Column({ name: 'url_secret', type: 'text' })
  urlSecretSealed!: string;

  @Column({ name: 'published_version_id', type: 'uuid', nullable: true })
  publishedVersionId!: string | null;

  /** Whether the published version starts new conversations. */
  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** `phone:+15551234567` or `service:MG…` of the published version; routes inbound texts. */
  @Index()
  @Column({ name: 'live_sender_key', type: 'text', nullable: true })
  liveSenderKey!: string | null;

  /** The published keyword, upper-cased and trimmed; null in HTTP-only mode. */
  @Column({ name: 'live_keyword', type: 'text', nullable: true })
  liveKeyword!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
