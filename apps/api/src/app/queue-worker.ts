import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ConversationRuntime } from '../conversations/conversation-runtime.service';
import { ExpirySweep } from '../conversations/expiry-sweep';
import { InboundSweep } from '../conversations/inbound-sweep';
import { ToolStartService } from '../conversations/tool-start.service';
import { CrmEffectProcessor } from '../crm-effects/crm-effect.processor';
import { NoteWriter } from '../crm-effects/note-writer';
import { InboundReconciler } from '../inbound/inbound-reconciler';
import { runAsKeapWork } from '../keap/budget/keap-work';
import type { OutboxKind } from '../outbox/outbox-entry.entity';
import { OutboxRelay } from '../outbox/outbox-relay';
import { type InboundJob, type OutboxJob, OutboxPublisher } from '../outbox/outbox.publisher';
import { SendMessageProcessor } from '../sending/send-message.processor';

/**
 * The worker half of the app: the queue processors, and the timers that run the outbox relay
 * (with the inbound texts' sweep), the expiry sweep and the inbound reconciler. Composed into the API process when
 * RUN_WORKER_IN_API is true (the default) and always in `worker.ts`. Several processes may run it
 * at once: everything it decides is decided under PostgreSQL locks.
 */
@Injectable()
export class QueueWorker
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(QueueWorker.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;

  constructor(
    private readonly publisher: OutboxPublisher,
    private readonly runtime: ConversationRuntime,
    private readonly starts: ToolStartService,
    private readonly sends: SendMessageProcessor,
    private readonly crmEffects: CrmEffectProcessor,
    private readonly notes: NoteWriter,
    private readonly outboxRelay: OutboxRelay,
    private readonly inboundSweep: InboundSweep,
    private readonly expirySweep: ExpirySweep,
    private readonly reconciler: InboundReconciler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const n = this.config.QUEUE_CONCURRENCY;
    // Keap-bound work waits in the shared budget (fair between accounts), not in a FIFO queue.
    const keap = this.config.KEAP_QUEUE_CONCURRENCY;
    const outbox = (kind: OutboxKind, handler: (id: string) => Promise<void>, concurrency = n) =>
      this.process(this.publisher.queue(kind), concurrency, (job: Job<OutboxJob>) =>
        handler(job.data.outboxId),
      );
    this.process(this.publisher.queue('inbound'), n, (job: Job<InboundJob>) =>
      this.runtime.processInbound(job.data),
    );
    // Campaign starts' Keap calls are the first the fair day paces when Keap's day quota runs short.
    outbox('start_http', (id) => runAsKeapWork('start', () => this.starts.perform(id)), keap);
    this.process(this.publisher.queue('send_message'), n, (job: Job<OutboxJob>) =>
      this.sends.run(job.data.outboxId, job.data.slotAt),
    );
    outbox('apply_tag', (id) => this.crmEffects.applyTag(id), keap);
    outbox('save_field', (id) => this.crmEffects.saveField(id), keap);
    outbox('achieve_goal', (id) => this.crmEffects.achieveGoal(id), keap);
    outbox('resolve_contact', (id) => this.crmEffects.resolveContact(id), keap);
    // One note job at a time per process: appends to one note must not interleave.
    outbox('write_note', (id) => runAsKeapWork('note', () => this.notes.run(id)), 1);
    this.every(this.config.OUTBOX_RELAY_INTERVAL_MS, async () => {
      await this.outboxRelay.run();
      await this.inboundSweep.run();
    });
    this.every(this.config.CONVERSATION_SWEEP_INTERVAL_MS, () => this.expirySweep.run());
    if (this.config.INBOUND_RECONCILE_INTERVAL_MS > 0)
      this.every(this.config.INBOUND_RECONCILE_INTERVAL_MS, () => this.reconciler.run());
  }

  beforeApplicationShutdown(): void {
    // Before @nestjs/bull closes the queues (its onApplicationShutdown).
    this.stopping = true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
  }

  /**
   * Bull's `process` promise settles only when the queue stops: rejected with "Connection is
   * closed" when the app shuts down while it still connects. Expected then; logged otherwise.
   */
  private process<T>(
    queue: Queue<T>,
    concurrency: number,
    handler: (job: Job<T>) => Promise<void>,
  ) {
    queue.process(concurrency, handler).catch((err: unknown) => {
      if (!this.stopping)
        this.logger.error(
          `queue ${queue.name} stopped processing: ${err instanceof Error ? err.message : String(err)}`,
        );
    });
  }

  private every(ms: number, work: () => Promise<void>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running || this.stopping) return;
      running = true;
      work()
        .catch((err) => this.logger.warn(String(err)))
        .finally(() => (running = false));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
