import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { KeapCrmModule } from '../keap/crm/keap-crm.module';
import { MessagesModule } from '../messages/messages.module';
import { OutboxModule } from '../outbox/outbox.module';
import { CrmEffectProcessor } from './crm-effect.processor';
import { FieldSaves } from './field-saves';
import { NoteRepository } from './note.repository';
import { NoteWriter } from './note-writer';

/** What a conversation does in the CRM: the contact look-up, field saves, tags and the note. */
@Module({
  imports: [OutboxModule, MessagesModule, ConversationsModule, KeapCrmModule],
  providers: [CrmEffectProcessor, FieldSaves, NoteWriter, NoteRepository],
  exports: [CrmEffectProcessor, NoteWriter],
})
export class CrmEffectsModule {}
