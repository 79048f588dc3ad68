import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ContactNote } from './contact-note.entity';

/**
 * The Keap note each conversation's transcript goes to (`contact_notes`).
 * Every method takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class NoteRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The row of the contact's note for the tool, created if there is none yet (no Keap note yet). */
  async reserve(
    accountId: string,
    toolId: string,
    contactId: number,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).query(
      `INSERT INTO contact_notes (account_id, tool_id, contact_id) VALUES ($1, $2, $3) ON CONFLICT (tool_id, contact_id) DO NOTHING`,
      [accountId, toolId, contactId],
    );
  }

  /** The contact's note for the tool as it is now (not locked); null when there is no row yet. */
  async peek(toolId: string, contactId: number, m?: EntityManager): Promise<ContactNote | null> {
    return this.manager(m).getRepository(ContactNote).findOneBy({ toolId, contactId });
  }

  /** The contact's note for the tool, locked until `m`'s transaction ends (throws when there is none). */
  async lock(toolId: string, contactId: number, m: EntityManager): Promise<ContactNote> {
    return m.getRepository(ContactNote).findOneOrFail({
      where: { toolId, contactId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async save(note: ContactNote, m?: EntityManager): Promise<ContactNote> {
    return this.manager(m).getRepository(ContactNote).save(note);
  }

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }
}
