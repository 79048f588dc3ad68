import type { OnApplicationShutdown } from '@nestjs/common';

/** How long a wake-up waits for others to share its Redis round trip. */
const FLUSH_AFTER_MS = 2;
/** A batch this large goes at once. */
const FLUSH_AT = 256;

/**
 * Gathers wake-ups for a few milliseconds and publishes them in one batch: one `addBulk` instead
 * of one Bull job (several Redis commands) each, and Redis never slows the caller. One flush at a
 * time: while Redis is slow or away, wake-ups gather (one per key) for the next. The rows in
 * PostgreSQL are the truth, so a wake-up lost with its process loses nothing (the relays sweep).
 */
export abstract class BatchingRelay<T> implements OnApplicationShutdown {
  private pending = new Map<string, T>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  protected abstract keyOf(item: T): string;
  /** Never throws (the publisher logs). */
  protected abstract publishBatch(items: T[]): Promise<void>;

  /** Never waits and never throws: the caller's answer does not depend on Redis. */
  wake(item: T): void {
    this.pending.set(this.keyOf(item), item);
    if (this.flushing) return; // the running flush takes it next
    if (this.pending.size >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /** Publishes what is pending, then what gathered meanwhile. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing ??= (async () => {
      try {
        while (this.pending.size > 0) {
          const items = [...this.pending.values()];
          this.pending = new Map();
          await this.publishBatch(items);
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
