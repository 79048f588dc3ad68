import { Injectable, Logger } from '@nestjs/common';
import { TwilioConnectionService, type WebhookAuth } from '../connection/twilio-connection.service';

/** A connected account's refused webhooks are checked with Twilio at most this often (per process). */
const CHECK_EVERY_MS = 60_000;

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
 * Webhooks of a connected Twilio account whose signature the saved Auth Token does not verify.
 * Either Twilio signs with another token (rotated in Twilio's console), so every text is refused
 * until the new one is saved, or someone forged them. Only Twilio's API refusing the saved token
 * tells the first apart (TwilioConnectionService.confirmInboundRefused): then it is recorded on
 * the connection, for the console and for fetching the texts back once the new one is saved. A
 * flood of refused webhooks costs one Twilio call a minute per account, never a changed connection.
 */
@Injectable()
export class TwilioSignatureRefusals {
  private readonly logger = new Logger('TwilioWebhook');
  private readonly throttle = new PerKeyThrottle(CHECK_EVERY_MS);

  constructor(private readonly connections: TwilioConnectionService) {}

  /** Never waits and never throws: the refusal's answer does not depend on the record. */
  refused(auth: WebhookAuth): void {
    if (!this.throttle.take(auth.accountId)) return;
    this.connections.confirmInboundRefused(auth, new Date()).then(
      (refused) => {
        if (!refused)
          this.logger.warn(
            `webhooks of account ${auth.accountId} failed the signature check, but Twilio accepts the saved Auth Token: forged or misrouted, connection unchanged`,
          );
      },
      (err: unknown) => {
        this.logger.error(
          `could not check refused webhooks of account ${auth.accountId} with Twilio: ${err instanceof Error ? err.message : String(err)}`,
        );
      },
    );
  }
}
