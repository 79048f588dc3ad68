import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { KeapCrmModule } from '../keap/crm/keap-crm.module';
import { CrmEffectProcessor } from './crm-effect.processor';
import { NoteWriter } from './note-writer';

/** What a conversation does in the CRM: the contact look-up, field saves, tags and the note. */
@Module({
  imports: [ConversationsModule, KeapCrmModule],
  providers: [CrmEffectProcessor, NoteWriter],
  exports: [CrmEffectProcessor, NoteWriter],
})
export class CrmEffectsModule {}
