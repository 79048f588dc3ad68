import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { InboundRelay } from './inbound-relay';
import { OutboxRelay } from './outbox-relay';
import { OutboxPublisher } from './outbox.publisher';
import { OutboxRepository } from './outbox.repository';
import { QueueMetrics } from './queue-metrics';
import { StartRelay } from './start-relay';
import { ALL_QUEUES } from './queue-names';

/** The outbox and its queues: work committed with the state change, then moved to Bull. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        redis: config.REDIS_URL,
        prefix: `${config.REDIS_KEY_PREFIX}bull`,
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [
    OutboxPublisher,
    InboundRelay,
    StartRelay,
    OutboxRelay,
    OutboxRepository,
    QueueMetrics,
  ],
  exports: [OutboxPublisher, InboundRelay, StartRelay, OutboxRelay, OutboxRepository],
})
export class OutboxModule {}
