import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { OutboxKind } from './outbox-entry.entity';
import { OutboxRepository } from './outbox.repository';
import { QUEUE_NAMES } from './queue-names';

export interface OutboxJob {
  outboxId: string;
  /** A send delayed to its sender's slot: the slot it holds (epoch ms), so it does not take another. */
  slotAt?: number;
}

export interface InboundJob {
  accountId: string;
  senderKey: string;
  phone: string;
}

/** The one job id of a phone's inbound work at one sender of one account. */
export function inboundJobId(job: InboundJob): string {
  return `in|${job.accountId}|${job.senderKey}|${job.phone}`;
}

/** Publishing waits this long for Redis at most; the relay publishes whatever did not make it. */
const PUBLISH_TIMEOUT_MS = 2_000;

/**
 * Moves committed work onto the Bull queues. Publishing is best effort: PostgreSQL is the source
 * of truth, and the relay (OutboxRelay) publishes again whatever is not done in time. Job ids are
 * the outbox ids, so a second publish of work still queued is a no-op.
 */
@Injectable()
export class OutboxPublisher {
  private readonly logger = new Logger(OutboxPublisher.name);
  private readonly queues: Record<OutboxKind, Queue>;

  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QUEUE_NAMES.inbound) inbound: Queue,
    @InjectQueue(QUEUE_NAMES.start_http) startHttp: Queue,
    @InjectQueue(QUEUE_NAMES.send_message) sendMessage: Queue,
    @InjectQueue(QUEUE_NAMES.apply_tag) applyTag: Queue,
    @InjectQueue(QUEUE_NAMES.achieve_goal) achieveGoal: Queue,
    @InjectQueue(QUEUE_NAMES.save_field) saveField: Queue,
    @InjectQueue(QUEUE_NAMES.resolve_contact) resolveContact: Queue,
    @InjectQueue(QUEUE_NAMES.write_note) writeNote: Queue,
  ) {
    this.queues = {
      inbound,
      start_http: startHttp,
      send_message: sendMessage,
      apply_tag: applyTag,
      achieve_goal: achieveGoal,
      save_field: saveField,
      resolve_contact: resolveContact,
      write_note: writeNote,
    };
  }

  queue(kind: OutboxKind): Queue {
    return this.queues[kind];
  }

  /**
   * Publishes outbox rows (already committed) and marks them published. Never throws. An entry
   * with `at` (epoch ms: its `not_before`) is a delayed job due then, under the job id `publishAt`
   * gives it, so that publishing the row again (due now: its conversation ended) is not a no-op.
   */
  async publish(entries: readonly { id: string; kind: OutboxKind; at?: number }[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      // One round trip per queue, not per job.
      const byKind = new Map<OutboxKind, { id: string; at?: number }[]>();
      for (const e of entries) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e]);
      await withTimeout(
        Promise.all(
          [...byKind].map(([kind, jobs]) =>
            this.queues[kind].addBulk(
              jobs.map(({ id, at }) => ({
                data: { outboxId: id } satisfies OutboxJob,
                opts:
                  at === undefined
                    ? this.jobOptions(id)
                    : { ...this.jobOptions(`${id}:at:${at}`), delay: Math.max(0, at - Date.now()) },
              })),
            ),
          ),
        ),
      );
      await this.outbox.markPublished(entries.map((e) => e.id));
    } catch (err) {
      this.logger.warn(
        `publishing ${entries.length} outbox entries failed; the relay will retry: ${String(err)}`,
      );
    }
  }

  /**
   * Publishes one outbox row handed over by the work before it, under a second fixed job id: its
   * own id may still be on the queue, finishing the run that found it had to wait. Fixed, so a
   * second hand-over of the same row is a no-op while that job exists. Never throws: the relay
   * publishes it anyway if this does not make it.
   */
  async publishAgain(entry: { id: string; kind: OutboxKind }): Promise<void> {
    try {
      await withTimeout(
        this.queues[entry.kind].add(
          { outboxId: entry.id } satisfies OutboxJob,
          this.jobOptions(`${entry.id}:handover`),
        ),
      );
    } catch (err) {
      this.logger.warn(
        `re-publishing outbox entry ${entry.id} failed; the relay will retry: ${String(err)}`,
      );
    }
  }

  /**
   * Publishes one outbox row again to run at `at` (epoch ms: a send waiting for quiet hours to
   * end or for its sender's slot), as a delayed job: no worker is held while it waits. The job id
   * is fixed by the time, so asking twice for the same moment queues it once. Throws when Redis
   * does not take it: the caller's job is retried (and the relay publishes it after `not_before`).
   */
  async publishAt(
    entry: { id: string; kind: OutboxKind },
    at: number,
    data: Omit<OutboxJob, 'outboxId'> = {},
  ): Promise<void> {
    await withTimeout(
      this.queues[entry.kind].add({ outboxId: entry.id, ...data } satisfies OutboxJob, {
        ...this.jobOptions(`${entry.id}:at:${at}`),
        delay: Math.max(0, at - Date.now()),
      }),
    );
  }

  /**
   * Queues the handling of phones' pending inbound texts, in one round trip. One job per phone
   * (its job id is the phone's): while a phone's job exists, queueing it again is a no-op, so a
   * relay that re-publishes never piles duplicate jobs on a worker that is behind. Never throws:
   * the stored rows are the source of truth and the relay's sweep publishes them again.
   */
  async publishInbound(jobs: readonly InboundJob[]): Promise<void> {
    if (jobs.length === 0) return;
    try {
      await withTimeout(
        this.queues.inbound.addBulk(
          jobs.map((data) => ({ data, opts: this.jobOptions(inboundJobId(data)) })),
        ),
      );
    } catch (err) {
      this.logger.warn(
        `queueing inbound work of ${jobs.length} phones failed; the relay will retry: ${String(err)}`,
      );
    }
  }

  private jobOptions(jobId: string) {
    return {
      jobId,
      attempts: this.config.QUEUE_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.QUEUE_BACKOFF_MS },
      removeOnComplete: true,
      removeOnFail: true,
    };
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Redis did not answer in time')), PUBLISH_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
