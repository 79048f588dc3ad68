import { Module } from '@nestjs/common';
import { KeapCrmModule } from '../keap/crm/keap-crm.module';
import { OutboxModule } from '../outbox/outbox.module';
import { ConversationRuntime } from './conversation-runtime.service';
import { ToolStartService } from './tool-start.service';
import { WallClock } from './wall-clock';

/** Conversations: starting them (keyword texts, campaign starts), advancing them, expiring them. */
@Module({
  imports: [OutboxModule, KeapCrmModule],
  providers: [ConversationRuntime, ToolStartService, WallClock],
  exports: [ConversationRuntime, ToolStartService, WallClock],
})
export class ConversationsModule {}
