import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { CrmEffectsModule } from '../crm-effects/crm-effects.module';
import { OutboxModule } from '../outbox/outbox.module';
import { SendingModule } from '../sending/sending.module';
import { QueueWorker } from './queue-worker';

/** The queue worker: the processors, the outbox relay and the expiry sweep. */
@Module({
  imports: [OutboxModule, ConversationsModule, SendingModule, CrmEffectsModule],
  providers: [QueueWorker],
})
export class WorkerModule {}
