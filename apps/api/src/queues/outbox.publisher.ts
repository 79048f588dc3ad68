import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { OutboxKind } from './outbox-entry.entity';
import { QUEUE_NAMES } from './queue-names';

export interface OutboxJob {
  outboxId: string;
}

export interface InboundJob {
  accountId: string;
  senderKey: string;
  phone: string;
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
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QUEUE_NAMES.inbound) inbound: Queue,
    @InjectQueue(QUEUE_NAMES.start_http) startHttp: Queue,
    @InjectQueue(QUEUE_NAMES.send_message) sendMessage: Queue,
    @InjectQueue(QUEUE_NAMES.apply_tag) applyTag: Queue,
    @InjectQueue(QUEUE_NAMES.save_field) saveField: Queue,
    @InjectQueue(QUEUE_NAMES.resolve_contact) resolveContact: Queue,
    @InjectQueue(QUEUE_NAMES.write_note) writeNote: Queue,
  ) {
    this.queues = {
      inbound,
      start_http: startHttp,
      send_message: sendMessage,
      apply_tag: applyTag,
      save_field: saveField,
      resolve_contact: resolveContact,
      write_note: writeNote,
    };
  }

  queue(kind: OutboxKind): Queue {
    return this.queues[kind];
  }

  /** Publishes outbox rows (already committed) and marks them published. Never throws. */
  async publish(entries: readonly { id: string; kind: OutboxKind }[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await withTimeout(
        Promise.all(entries.map((e) => this.queues[e.kind].add({ outboxId: e.id } satisfies OutboxJob, this.jobOptions(e.id)))),
      );
      await this.dataSource.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [entries.map((e) => e.id)]);
    } catch (err) {
      this.logger.warn(`publishing ${entries.length} outbox entries failed; the relay will retry: ${String(err)}`);
    }
  }

  /**
   * Publishes one outbox row under a fresh job id (its own id may still be on the queue, finishing).
   * Never throws: the relay publishes it anyway if this does not make it.
   */
  async publishAgain(entry: { id: string; kind: OutboxKind }): Promise<void> {
    try {
      await withTimeout(
        this.queues[entry.kind].add({ outboxId: entry.id } satisfies OutboxJob, this.jobOptions(`${entry.id}:${Date.now()}:${Math.random()}`)),
      );
    } catch (err) {
      this.logger.warn(`re-publishing outbox entry ${entry.id} failed; the relay will retry: ${String(err)}`);
    }
  }

  /** Queues the handling of a phone's pending inbound texts. Never throws. */
  async publishInbound(messageId: string, job: InboundJob): Promise<void> {
    try {
      await withTimeout(this.queues.inbound.add(job, this.jobOptions(messageId)));
    } catch (err) {
      this.logger.warn(`queueing inbound ${messageId} failed; the relay will retry: ${String(err)}`);
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
