import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { SessionModule } from '../session/session.module';
import { ConversationHistoryController } from './conversation-history.controller';
import { ConversationHistoryService } from './conversation-history.service';

@Module({
  imports: [SessionModule, ConversationsModule],
  controllers: [ConversationHistoryController],
  providers: [ConversationHistoryService],
})
export class ConversationHistoryModule {}
