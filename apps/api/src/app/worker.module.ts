import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { CrmEffectsModule } from '../crm-effects/crm-effects.module';
import { InboundModule } from '../inbound/inbound.module';
import { OutboxModule } from '../outbox/outbox.module';
import { SendingModule } from '../sending/sending.module';
import { QueueWorker } from './queue-worker';

/** The queue worker: the processors, the outbox relay, the sweeps and the inbound reconciler. */
@Module({
  imports: [OutboxModule, ConversationsModule, SendingModule, CrmEffectsModule, InboundModule],
  providers: [QueueWorker],
})
export class WorkerModule {}
