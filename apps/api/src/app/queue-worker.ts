import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Job } from 'bull';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ConversationRuntime } from '../conversations/conversation-runtime.service';
import { NoteWriter } from '../crm-effects/note-writer';
import { ToolStartService } from '../conversations/tool-start.service';
import { CrmEffectProcessor } from '../crm-effects/crm-effect.processor';
import type { OutboxKind } from '../outbox/outbox-entry.entity';
import { type InboundJob, type OutboxJob, OutboxPublisher } from '../outbox/outbox.publisher';
import { SendMessageProcessor } from '../sending/send-message.processor';

/** Inbound texts not processed this long after they arrived are queued again by the sweep. */
const INBOUND_SWEEP_AFTER_MS = 1_000;

/**
 * The worker half of the app: queue processors, the outbox relay and the expiry sweep. Composed
 * into the API process when RUN_WORKER_IN_API is true (the default) and always in `worker.ts`. Several
 * processes may run it at once: everything it decides is decided under PostgreSQL locks.
 */
@Injectable()
export class QueueWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueWorker.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    private readonly runtime: ConversationRuntime,
    private readonly starts: ToolStartService,
    private readonly sends: SendMessageProcessor,
    private readonly crmEffects: CrmEffectProcessor,
    private readonly notes: NoteWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const n = this.config.QUEUE_CONCURRENCY;
    // Keap-bound work waits in the shared budget (fair between accounts), not in a FIFO queue.
    const keap = this.config.KEAP_QUEUE_CONCURRENCY;
    const outbox = (kind: OutboxKind, handler: (id: string) => Promise<void>, concurrency = n) =>
      void this.publisher
        .queue(kind)
        .process(concurrency, (job: Job<OutboxJob>) => handler(job.data.outboxId));
    void this.publisher
      .queue('inbound')
      .process(n, (job: Job<InboundJob>) =>
        this.runtime.processInbound(job.data.senderKey, job.data.phone),
      );
    outbox('start_http', (id) => this.starts.perform(id), keap);
    void this.publisher
      .queue('send_message')
      .process(n, (job: Job<OutboxJob>) => this.sends.run(job.data.outboxId, job.data.slotAt));
    outbox('apply_tag', (id) => this.crmEffects.applyTag(id), keap);
    outbox('save_field', (id) => this.crmEffects.saveField(id), keap);
    outbox('resolve_contact', (id) => this.crmEffects.resolveContact(id), keap);
    // One note job at a time per process: appends to one note must not interleave.
    void this.publisher
      .queue('write_note')
      .process(1, (job: Job<OutboxJob>) => this.notes.run(job.data.outboxId));
    this.every(this.config.OUTBOX_RELAY_INTERVAL_MS, () => this.relay());
    this.every(this.config.CONVERSATION_SWEEP_INTERVAL_MS, () => this.sweep());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
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

  /**
   * Publishes work not on the queues: never published, or published long ago and still not done.
   * Work planned for later (`not_before`: a send waiting for quiet hours or its sender's slot, on
   * the queue as a delayed job) counts as published until that time.
   */
  async relay(): Promise<void> {
    const after = this.config.OUTBOX_REPUBLISH_AFTER_MS;
    const rows: { id: string; kind: OutboxKind }[] = await this.dataSource.query(
      `SELECT id, kind FROM outbox
        WHERE done_at IS NULL
          AND ((published_at IS NULL AND created_at < now() - interval '2 seconds')
               OR published_at < now() - ($1::int * interval '1 millisecond'))
          AND (not_before IS NULL OR not_before < now() - ($1::int * interval '1 millisecond'))
        ORDER BY created_at LIMIT 500`,
      [after],
    );
    await this.publisher.publish(rows);
    // Phones with texts still unprocessed a moment after they arrived (a wake-up that did not make
    // it to Redis, a job that gave up). Their job ids are fixed, so phones whose job is still on
    // the queue cost a no-op. Phones whose conversation waits for its contact are skipped: the
    // contact's arrival handles their texts.
    const inbound: { account_id: string; sender_key: string; phone: string }[] =
      await this.dataSource.query(
        `SELECT DISTINCT ON (m.sender_key, m.phone) m.account_id, m.sender_key, m.phone FROM messages m
        WHERE m.direction = 'in' AND m.status = 'received' AND m.created_at < now() - ($1::int * interval '1 millisecond')
          AND NOT EXISTS (SELECT 1 FROM conversations c
                           WHERE c.sender_key = m.sender_key AND c.phone = m.phone AND c.ended_at IS NULL AND c.status = 'awaiting_contact')
        ORDER BY m.sender_key, m.phone, m.created_at LIMIT 500`,
        [Math.min(after, INBOUND_SWEEP_AFTER_MS)],
      );
    await this.publisher.publishInbound(
      inbound.map((m) => ({ accountId: m.account_id, senderKey: m.sender_key, phone: m.phone })),
    );
  }

  /**
   * Sends `tick` to conversations whose reminder or expiry is due. Not while a question of the
   * conversation is still waiting to go out (quiet hours, the sender's rate, refused credentials):
   * the contact has not seen it, so it can neither be reminded of it nor have failed to answer
   * it; when it goes out the clock starts from then (ConversationRuntime.questionWentOut).
   * A question held longer than HELD_QUESTION_MAX_MINUTES (credentials never fixed, an outcome
   * Twilio never tells) no longer holds the expiry back: the conversation expires, and the
   * question, if it can go out later, is held back (conversation_expired) rather than sent days
   * late into a conversation the contact has long forgotten.
   */
  async sweep(): Promise<void> {
    const heldAtMostMs = this.config.HELD_QUESTION_MAX_MINUTES * this.config.CONVERSATION_MINUTE_MS;
    const due: { id: string }[] = await this.dataSource.query(
      `SELECT c.id FROM conversations c
        WHERE c.ended_at IS NULL AND c.next_tick_at <= now()
          AND NOT EXISTS (SELECT 1 FROM messages m
                           WHERE m.conversation_id = c.id AND m.direction = 'out'
                             AND m.status IN ('queued', 'sending', 'unknown')
                             AND m.purpose IS DISTINCT FROM 'reminder'
                             AND m.created_at > now() - $1 * interval '1 millisecond')
        ORDER BY c.next_tick_at LIMIT 200`,
      [heldAtMostMs],
    );
    for (const { id } of due) {
      const now = new Date();
      await this.runtime.applyEvent(id, (c) =>
        c.nextTickAt && c.nextTickAt <= now
          ? { type: 'tick', at: this.runtime.clock.engineTimeOfTick(c.state, now) }
          : null,
      );
    }
  }
}
