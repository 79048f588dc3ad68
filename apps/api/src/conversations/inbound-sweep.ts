import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { MessageRepository } from '../messages/message.repository';
import { OutboxPublisher } from '../outbox/outbox.publisher';

/** Inbound texts not processed this long after they arrived are queued again by the sweep. */
const INBOUND_SWEEP_AFTER_MS = 1_000;

/**
 * The inbound texts' safety net, run by the worker with the outbox relay: the webhook's wake-up
 * is best effort (InboundRelay), and the stored text is the source of truth.
 */
@Injectable()
export class InboundSweep {
  constructor(
    private readonly messages: MessageRepository,
    private readonly publisher: OutboxPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Queues the phones with texts still unprocessed a moment after they arrived (a wake-up that did
   * not make it to Redis, a job that gave up). Their job ids are fixed, so phones whose job is
   * still on the queue cost a no-op. Phones whose conversation waits for its contact are skipped:
   * the contact's arrival handles their texts.
   */
  async run(): Promise<void> {
    const after = Math.min(this.config.OUTBOX_REPUBLISH_AFTER_MS, INBOUND_SWEEP_AFTER_MS);
    await this.publisher.publishInbound(await this.messages.phonesWithUnprocessedInbound(after));
  }
}
