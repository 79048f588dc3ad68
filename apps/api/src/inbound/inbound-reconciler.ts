import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { MessagingService, SenderNumber } from '../ports/sms-gateway.port';
import { LockTimeoutError, RedisLock } from '../redis/redis-lock';
import { TwilioConnectionService } from '../twilio/connection/twilio-connection.service';
import { TwilioSendersService } from '../twilio/connection/twilio-senders.service';
import { fetchBackTexts } from './fetch-back-texts';
import { InboundMessageService } from './inbound-message.service';
import { InboundReconcileRepository } from './inbound-reconcile.repository';

/**
 * Texts Twilio received while this app could not store them (the process down, PostgreSQL
 * unreachable, Twilio's retries and the fallback spent) are never delivered again. The worker
 * runs this every INBOUND_RECONCILE_INTERVAL_MS: for each number of each connected account whose
 * texts come here, the texts received since its mark are fetched back and stored as the webhook
 * would have (once per MessageSid: those that got through are skipped), then the mark moves to
 * when the list was asked for. A failed number keeps its mark and is fetched again next time, so
 * a restart or an outage resumes where the last success ended.
 *
 * Twilio's cost: one list call per number per run (paged), plus one per picture received.
 */
@Injectable()
export class InboundReconciler {
  private readonly logger = new Logger('InboundReconciler');

  constructor(
    private readonly marks: InboundReconcileRepository,
    private readonly connections: TwilioConnectionService,
    private readonly senders: TwilioSendersService,
    private readonly inbound: InboundMessageService,
    private readonly lock: RedisLock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One process at a time (the others' runs would repeat the list calls); a busy run is skipped. */
  async run(): Promise<void> {
    const interval = this.config.INBOUND_RECONCILE_INTERVAL_MS;
    try {
      await this.lock.withLock('inbound-reconcile', () => this.reconcileAll(), {
        // Long enough to cover a run, short enough that a crashed holder does not stall a restart.
        leaseMs: Math.max(2 * interval, 10_000),
        waitMs: 0,
      });
    } catch (err) {
      if (!(err instanceof LockTimeoutError)) throw err;
    }
  }

  private async reconcileAll(): Promise<void> {
    for (const accountId of await this.marks.connectedAccountIds()) {
      try {
        await this.reconcile(accountId);
      } catch (err) {
        this.logger.warn(
          `account ${accountId}: texts Twilio received could not be reconciled yet (the next run tries again): ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  }

  /** The account's numbers whose texts come here, each fetched back since its mark; how many were stored. */
  async reconcile(accountId: string): Promise<number> {
    const gateway = await this.connections.gatewayFor(accountId);
    const [numbers, services] = await Promise.all([
      gateway.listNumbers(),
      gateway.listMessagingServices(),
    ]);
    await this.senders
      .bringUpToDate(gateway, numbers, services)
      .catch((err: unknown) =>
        this.logger.warn(
          `account ${accountId}: senders could not be pointed at the current webhook URL yet: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
    const here = this.numbersComingHere(numbers, services);
    const marks = await this.marks.marksOf(accountId);
    const now = Date.now();
    // A number not marked yet (new here, or back from elsewhere) starts one interval back: older
    // texts may have been meant for whatever it served before.
    const first = now - this.config.INBOUND_RECONCILE_INTERVAL_MS;
    const floor = now - this.config.INBOUND_RECONCILE_MAX_LOOKBACK_MS;
    let stored = 0;
    for (const phone of here) {
      const listedAt = new Date();
      const since = new Date(Math.max(marks.get(phone)?.getTime() ?? first, floor));
      stored += await fetchBackTexts(gateway, this.inbound, accountId, [phone], since);
      await this.marks.mark(accountId, phone, listedAt);
    }
    await this.marks.forgetAllBut(accountId, here);
    if (stored > 0)
      this.logger.log(
        `account ${accountId}: ${stored} text(s) Twilio received that never reached this app fetched back`,
      );
    return stored;
  }

  /** A number in a messaging service with its own inbound URL follows the service's URL. */
  private numbersComingHere(numbers: SenderNumber[], services: MessagingService[]): string[] {
    const serviceUrl = new Map<string, string>();
    for (const s of services)
      if (s.inboundWebhookUrl !== null)
        for (const phone of s.phoneNumbers) serviceUrl.set(phone, s.inboundWebhookUrl);
    return numbers
      .filter((n) => this.senders.comesHere(serviceUrl.get(n.phoneNumber) ?? n.inboundWebhookUrl))
      .map((n) => n.phoneNumber);
  }
}
