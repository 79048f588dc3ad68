import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { TwilioConnectionService } from '../twilio-connection/twilio-connection.service';
import { TwilioSendersService } from '../twilio-connection/twilio-senders.service';
import { InboundMessageService, inboundTextOf } from './inbound-message.service';

/**
 * Texts whose webhook was refused because Twilio signed it with an Auth Token other than the
 * saved one (rotated in Twilio's console) are not delivered again: Twilio keeps them. When new
 * credentials are saved, the texts the account's numbers received since the first refusal are
 * fetched back from Twilio and stored as the webhook would have stored them (once per MessageSid:
 * those that did get through are skipped), so the conversations go on. If the fetch fails, the
 * refusal stays recorded and the next save tries again.
 */
@Injectable()
export class RefusedTextRecovery implements OnModuleInit {
  private readonly logger = new Logger('RefusedTextRecovery');

  constructor(
    private readonly connections: TwilioConnectionService,
    private readonly senders: TwilioSendersService,
    private readonly inbound: InboundMessageService,
  ) {}

  onModuleInit(): void {
    this.connections.onCredentialsSaved((accountId) => this.recover(accountId));
  }

  /** Never throws: a failure is logged and the refusal stays for the next save. */
  async recover(accountId: string): Promise<void> {
    const since = (await this.connections.connectionOf(accountId))?.refusedTextsSince;
    if (!since) return;
    try {
      const stored = await this.fetchBack(accountId, since);
      await this.connections.clearRefusedTexts(accountId, since);
      this.logger.log(
        `account ${accountId}: ${stored} text(s) refused since ${since.toISOString()} fetched back from Twilio`,
      );
    } catch (err) {
      this.logger.warn(
        `account ${accountId}: texts refused since ${since.toISOString()} could not be fetched back from Twilio yet (saving the credentials again retries): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  /** The numbers whose texts come to this app: its own, and the pools of its messaging services. */
  private async fetchBack(accountId: string, since: Date): Promise<number> {
    const gateway = await this.connections.gatewayFor(accountId);
    const { smsUrl } = this.senders.webhookTarget();
    const [numbers, services] = await Promise.all([
      gateway.listNumbers(),
      gateway.listMessagingServices(),
    ]);
    const phones = new Set([
      ...numbers.filter((n) => n.inboundWebhookUrl === smsUrl).map((n) => n.phoneNumber),
      ...services.filter((s) => s.inboundWebhookUrl === smsUrl).flatMap((s) => s.phoneNumbers),
    ]);
    let stored = 0;
    for (const to of phones) {
      for (const text of await gateway.listReceived(to, since)) {
        if (await this.inbound.store(accountId, inboundTextOf(text))) stored += 1;
      }
    }
    return stored;
  }
}
