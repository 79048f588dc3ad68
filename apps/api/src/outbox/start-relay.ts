import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { OutboxPublisher } from './outbox.publisher';

/** How long a start waits for others to share its Redis round trip. */
const FLUSH_AFTER_MS = 2;
/** A batch this large goes at once. */
const FLUSH_AT = 256;

/**
 * Moves campaign starts accepted by the tool URL (`start_http` outbox rows, committed before Keap
 * is answered) to their queue in batches, like InboundRelay: one `addBulk` per few milliseconds
 * instead of one Bull job (several Redis commands) per post, and Redis never slows the answer.
 * Losing a wake-up loses nothing: the outbox relay publishes rows still unpublished a moment later
 * (also when this process dies before a flush).
 */
@Injectable()
export class StartRelay implements OnApplicationShutdown {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(private readonly publisher: OutboxPublisher) {}

  /** Never waits and never throws. */
  wake(outboxId: string): void {
    this.pending.push(outboxId);
    if (this.flushing) return; // the running flush takes it next
    if (this.pending.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /** Publishes what is pending, then what gathered meanwhile. Never throws (the publisher logs). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing ??= (async () => {
      try {
        while (this.pending.length > 0) {
          const ids = this.pending;
          this.pending = [];
          await this.publisher.publish(ids.map((id) => ({ id, kind: 'start_http' as const })));
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
