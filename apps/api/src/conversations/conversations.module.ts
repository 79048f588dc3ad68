import { Module } from '@nestjs/common';
import { KeapCrmModule } from '../keap/crm/keap-crm.module';
import { MessagesModule } from '../messages/messages.module';
import { OutboxModule } from '../outbox/outbox.module';
import { RefusedStartsModule } from '../refused-starts/refused-starts.module';
import { ToolDataModule } from '../tools/tool-data.module';
import { ConversationRepository } from './conversation.repository';
import { ConversationRuntime } from './conversation-runtime.service';
import { ExpirySweep } from './expiry-sweep';
import { InboundSweep } from './inbound-sweep';
import { KeapCallsPerConversation } from './keap-calls-per-conversation';
import { OptOutRepository } from './opt-out.repository';
import { ToolStartService } from './tool-start.service';
import { WallClock } from './wall-clock';

/**
 * Conversations: starting them (keyword texts, campaign starts), advancing them, expiring them;
 * opt-outs, and the Keap calls each one made.
 */
@Module({
  imports: [OutboxModule, MessagesModule, ToolDataModule, KeapCrmModule, RefusedStartsModule],
  providers: [
    ConversationRuntime,
    ToolStartService,
    ExpirySweep,
    InboundSweep,
    KeapCallsPerConversation,
    WallClock,
    ConversationRepository,
    OptOutRepository,
  ],
  exports: [
    ConversationRuntime,
    ToolStartService,
    ExpirySweep,
    InboundSweep,
    KeapCallsPerConversation,
    WallClock,
    ConversationRepository,
    OptOutRepository,
    MessagesModule,
  ],
})
export class ConversationsModule {}
