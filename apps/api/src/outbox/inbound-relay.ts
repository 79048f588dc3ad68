import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type InboundJob, OutboxPublisher, inboundJobId } from './outbox.publisher';

/** How long a wake-up waits for others to share its Redis round trip. */
const FLUSH_AFTER_MS = 2;
/** A batch this large goes at once. */
const FLUSH_AT = 256;

/**
 * Moves stored inbound texts to the queue in batches. The webhook only stores the text and wakes
 * this, without waiting: one `addBulk` per few milliseconds then queues the phones' jobs, instead
 * of one Bull job (several Redis commands) per webhook, and a Redis outage never slows a webhook's
 * answer. One flush at a time: while Redis is slow or away, wake-ups gather (one per phone) for
 * the next. Losing a wake-up loses nothing: the text's row in PostgreSQL is the source of truth
 * and the worker's relay sweep queues any text still unprocessed a moment later (also when this
 * process dies before a flush).
 */
@Injectable()
export class InboundRelay implements OnApplicationShutdown {
  private pending = new Map<string, InboundJob>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(private readonly publisher: OutboxPublisher) {}

  /** Never waits and never throws: the webhook's answer does not depend on Redis. */
  wake(job: InboundJob): void {
    this.pending.set(inboundJobId(job), job);
    if (this.flushing) return; // the running flush takes it next
    if (this.pending.size >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /** Publishes what is pending, then what gathered meanwhile. Never throws (the publisher logs). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing ??= (async () => {
      try {
        while (this.pending.size > 0) {
          const jobs = [...this.pending.values()];
          this.pending = new Map();
          await this.publisher.publishInbound(jobs);
        }
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
