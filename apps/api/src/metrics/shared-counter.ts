import { Counter, type Registry } from 'prom-client';
import type Redis from 'ioredis';

export interface SharedCounterSpec<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

/**
 * A counter of the whole deployment, kept in Redis: what a worker process counts (it serves no
 * HTTP) is read by the API's /metrics at scrape time. Every API process answers the same totals:
 * scrape one, or take max() across instances, never sum().
 */
export class SharedCounter<L extends string> {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    registry: Registry,
    private readonly spec: SharedCounterSpec<L>,
  ) {
    this.key = `metrics:${spec.name}`;
    const { key } = this;
    new Counter({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames,
      registers: [registry],
      async collect() {
        const counts = await redis.hgetall(key);
        this.reset();
        for (const [field, n] of Object.entries(counts))
          this.inc(JSON.parse(field) as Partial<Record<L, string>>, Number(n));
      },
    });
  }

  /**
   * Counts one. Never waits for Redis nor fails: a metric must not slow or break the work it
   * counts (a count lost in a Redis outage is the price).
   */
  inc(labels: Partial<Record<L, string>>): void {
    const field: Record<string, string> = {};
    // The labels in a fixed order, so one series is one hash field.
    for (const name of this.spec.labelNames) {
      const value = labels[name];
      if (value !== undefined) field[name] = value;
    }
    this.redis.hincrby(this.key, JSON.stringify(field), 1).catch(() => undefined);
  }
}
