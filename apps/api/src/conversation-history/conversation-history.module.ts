import { Module } from '@nestjs/common';
import { RuntimeModule } from '../conversations/runtime.module';
import { SessionModule } from '../session/session.module';
import { ConversationHistoryController } from './conversation-history.controller';
import { ConversationHistoryService } from './conversation-history.service';

@Module({
  imports: [SessionModule, RuntimeModule],
  controllers: [ConversationHistoryController],
  providers: [ConversationHistoryService],
})
export class ConversationHistoryModule {}
