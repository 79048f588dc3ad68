import { Injectable } from '@nestjs/common';
import { BatchingRelay } from './batching-relay';
import { OutboxPublisher } from './outbox.publisher';

/**
 * Moves campaign starts accepted by the tool URL (`start_http` outbox rows, committed before Keap
 * is answered) to their queue in batches. A lost wake-up is published by the outbox relay, which
 * publishes rows still unpublished a moment later.
 */
@Injectable()
export class StartRelay extends BatchingRelay<string> {
  constructor(private readonly publisher: OutboxPublisher) {
    super();
  }

  protected keyOf(outboxId: string): string {
    return outboxId;
  }

  protected publishBatch(ids: string[]): Promise<void> {
    return this.publisher.publish(ids.map((id) => ({ id, kind: 'start_http' as const })));
  }
}
