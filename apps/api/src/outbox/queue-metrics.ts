import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { Gauge, Registry } from 'prom-client';
import { SharedCounters } from '../metrics/metrics.module';
import type { OutboxKind } from './outbox-entry.entity';
import { OutboxPublisher } from './outbox.publisher';
import { QUEUE_NAMES } from './queue-names';

/**
 * The Bull queues in Prometheus terms. Depths and the oldest waiting job are read from Redis at
 * scrape time, so any process answers for the whole deployment; failures are counted by the
 * process whose processor failed (usually the worker) into Redis (SharedCounter). Completed jobs
 * are removed at once and so are failed ones (the outbox keeps the truth): the failures counter,
 * not the `failed` depth, is what shows failing work.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly publisher: OutboxPublisher,
    private readonly registry: Registry,
    private readonly counters: SharedCounters,
  ) {}

  onModuleInit(): void {
    const queues = (Object.keys(QUEUE_NAMES) as OutboxKind[]).map((k) => this.publisher.queue(k));
    const failures = this.counters.counter({
      name: 'sms_queue_failures_total',
      help: 'Queue job attempts that failed (each retry counts), by queue (deployment-wide running total)',
      labelNames: ['queue'],
    });
    for (const queue of queues) queue.on('failed', () => failures.inc({ queue: queue.name }));
    new Gauge({
      name: 'sms_queue_jobs',
      help: 'Jobs in each queue, by state (read from Redis: the whole deployment)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        for (const queue of queues) {
          const counts = await queue.getJobCounts();
          const paused = (counts as { paused?: number }).paused ?? 0;
          this.set({ queue: queue.name, state: 'waiting' }, counts.waiting + paused);
          this.set({ queue: queue.name, state: 'delayed' }, counts.delayed);
          this.set({ queue: queue.name, state: 'active' }, counts.active);
          this.set({ queue: queue.name, state: 'failed' }, counts.failed);
        }
      },
    });
    new Gauge({
      name: 'sms_queue_oldest_waiting_seconds',
      help: 'How long the next job of each queue has been waiting for a worker (0 when none waits)',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        for (const queue of queues) this.set({ queue: queue.name }, await oldestWaiting(queue));
      },
    });
  }
}

/** Seconds the job next in line has waited since it was due (queued, or its delay ended). */
async function oldestWaiting(queue: Queue): Promise<number> {
  // Ascending: the job at the head of the line, the one a worker takes next.
  const [job] = await queue.getWaiting(0, 0);
  if (!job) return 0;
  const due = job.timestamp + (job.opts.delay ?? 0);
  return Math.max(0, (Date.now() - due) / 1000);
}
