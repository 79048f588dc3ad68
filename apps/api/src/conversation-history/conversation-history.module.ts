import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { MessagesModule } from '../messages/messages.module';
import { RefusedStartsModule } from '../refused-starts/refused-starts.module';
import { SessionModule } from '../session/session.module';
import { ConversationHistoryController } from './conversation-history.controller';
import { ConversationHistoryService } from './conversation-history.service';

/** The console's conversation history: the list, one transcript, the refused starts, ending by hand. */
@Module({
  imports: [SessionModule, ConversationsModule, MessagesModule, RefusedStartsModule],
  controllers: [ConversationHistoryController],
  providers: [ConversationHistoryService],
})
export class ConversationHistoryModule {}
