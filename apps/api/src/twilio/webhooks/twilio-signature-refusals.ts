import { Injectable, Logger } from '@nestjs/common';
import { TwilioConnectionService, type WebhookAuth } from '../connection/twilio-connection.service';

/** A connected account's refused webhooks are written down at most this often (per process). */
const RECORD_EVERY_MS = 60_000;

/** Lets each key through at most once per interval. */
export class PerKeyThrottle {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `key` may go now (and counts it); false while its last one is too recent. */
  take(key: string): boolean {
    const now = this.now();
    const last = this.last.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.last.set(key, now);
    return true;
  }
}

/**
 * Webhooks of a connected Twilio account whose signature the saved Auth Token does not verify:
 * Twilio signs with another token (rotated in Twilio's console), so every text is refused until
 * the new one is saved. Recorded on the connection, for the console and for fetching the texts
 * back once it is saved. Only refused webhooks get here; a flood of them costs one write a minute.
 */
@Injectable()
export class TwilioSignatureRefusals {
  private readonly logger = new Logger('TwilioWebhook');
  private readonly throttle = new PerKeyThrottle(RECORD_EVERY_MS);

  constructor(private readonly connections: TwilioConnectionService) {}

  /** Never waits and never throws: the refusal's answer does not depend on the record. */
  refused(auth: WebhookAuth): void {
    if (!this.throttle.take(auth.accountId)) return;
    this.connections.markInboundRefused(auth, new Date()).catch((err: unknown) => {
      this.logger.error(
        `could not record refused webhooks of account ${auth.accountId}: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
  }
}
