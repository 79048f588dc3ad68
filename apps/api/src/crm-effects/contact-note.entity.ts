import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** One Keap note per contact per tool: created on the first run, appended to on later ones. */
@Entity('contact_notes')
@Index('contact_notes_tool_contact_unique', ['toolId', 'contactId'], { unique: true })
export class ContactNote {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'tool_id', type: 'uuid' })
  toolId!: string;

  @Column({ name: 'contact_id', type: 'integer' })
  contactId!: number;

  /** Keap's note id; null while the create call is in flight (the row reserves the note). */
  @Column({ name: 'crm_note_id', type: 'text', nullable: true })
  crmNoteId!: string | null;

  /** Conversations whose transcript is already in the note (a retry never appends twice). */
  @Column({ name: 'conversation_ids', type: 'jsonb', default: () => "'[]'" })
  conversationIds!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
