import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { OutboxPublisher } from './outbox.publisher';
import { OutboxRepository } from './outbox.repository';

/**
 * The outbox's safety net, run by the worker on a timer: publishing after a commit is best
 * effort (OutboxPublisher), so whatever did not make it to its queue, or was published and never
 * done, is published again from PostgreSQL, the source of truth.
 */
@Injectable()
export class OutboxRelay {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly publisher: OutboxPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Publishes work not on the queues: never published, or published long ago and still not done.
   * Work planned for later (`not_before`: a send waiting for quiet hours or its sender's slot, on
   * the queue as a delayed job) counts as published until that time.
   */
  async run(): Promise<void> {
    await this.publisher.publish(
      await this.outbox.notOnTheQueues(this.config.OUTBOX_REPUBLISH_AFTER_MS),
    );
  }
}
