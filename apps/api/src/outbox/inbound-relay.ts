import { Injectable } from '@nestjs/common';
import { BatchingRelay } from './batching-relay';
import { type InboundJob, OutboxPublisher, inboundJobId } from './outbox.publisher';

/**
 * Moves stored inbound texts to the queue in batches (one job per phone line). The webhook only
 * stores the text and wakes this; the text's row in PostgreSQL is the truth, and the worker's
 * inbound sweep queues any text still unprocessed a moment later.
 */
@Injectable()
export class InboundRelay extends BatchingRelay<InboundJob> {
  constructor(private readonly publisher: OutboxPublisher) {
    super();
  }

  protected keyOf(job: InboundJob): string {
    return inboundJobId(job);
  }

  protected publishBatch(jobs: InboundJob[]): Promise<void> {
    return this.publisher.publishInbound(jobs);
  }
}
