import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type InboundJob, OutboxPublisher, inboundJobId } from './outbox.publisher';

/** How long a wake-up waits for others to share its Redis round trip. */
const FLUSH_AFTER_MS = 2;
/** A batch this large goes at once. */
const FLUSH_AT = 256;

/**
 * Moves stored inbound texts to the queue in batches. The webhook only stores the text and wakes
 * this; one `addBulk` per few milliseconds then queues the phones' jobs, instead of one Bull job
 * (several Redis commands) per webhook. Losing a wake-up loses nothing: the text's row in
 * PostgreSQL is the source of truth and the worker's relay sweep queues any text still
 * unprocessed a moment later (also when this process dies before a flush).
 */
@Injectable()
export class InboundRelay implements OnApplicationShutdown {
  private pending = new Map<string, InboundJob>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly publisher: OutboxPublisher) {}

  wake(job: InboundJob): void {
    this.pending.set(inboundJobId(job), job);
    if (this.pending.size >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /** Never throws (the publisher logs and the sweep retries). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
    const jobs = [...this.pending.values()];
    this.pending = new Map();
    await this.publisher.publishInbound(jobs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
