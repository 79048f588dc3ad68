import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MessageRepository } from '../messages/message.repository';
import type { SmsGateway } from '../ports/sms-gateway.port';
import { TwilioConnectionService } from '../twilio/connection/twilio-connection.service';
import {
  type RepointedSender,
  TwilioSendersService,
} from '../twilio/connection/twilio-senders.service';
import { fetchBackTexts } from './fetch-back-texts';
import { InboundMessageService } from './inbound-message.service';

/**
 * How far back point-here fetches the texts a sender received elsewhere: a sender pointed away
 * longer than that (or never here) would bring back texts meant for whatever it served meanwhile.
 * (The connection keeps no time it was first made, so this is the only floor.)
 */
export const REPOINTED_FETCH_BACK_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * Texts Twilio received that never reached this app, fetched back from Twilio (fetchBackTexts):
 *
 * - Refused: their webhook was refused because Twilio signed it with an Auth Token other than the
 *   saved one (rotated in Twilio's console). When new credentials are saved, the texts the
 *   account's numbers received since the first refusal are fetched back. If the fetch fails, the
 *   refusal stays recorded and the next save tries again.
 * - Sent elsewhere: a sender's inbound webhook pointed at another URL (changed in the Twilio
 *   Console) until "Point it back" turned it here again: the texts it received since the last
 *   one stored for it are fetched back (TwilioSendersService.fetchBackWith).
 */
@Injectable()
export class RefusedTextRecovery implements OnModuleInit {
  private readonly logger = new Logger('RefusedTextRecovery');

  constructor(
    private readonly connections: TwilioConnectionService,
    private readonly senders: TwilioSendersService,
    private readonly inbound: InboundMessageService,
    private readonly messages: MessageRepository,
  ) {}

  onModuleInit(): void {
    this.connections.onCredentialsSaved((accountId) => this.recover(accountId));
    this.senders.fetchBackWith((accountId, gateway, sender) =>
      this.fetchBackRepointed(accountId, gateway, sender),
    );
  }

  /** Never throws: a failure is logged and the refusal stays for the next save. */
  async recover(accountId: string): Promise<void> {
    const since = (await this.connections.connectionOf(accountId))?.refusedTextsSince;
    if (!since) return;
    try {
      const stored = await this.fetchBackRefused(accountId, since);
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

  /**
   * The texts a sender pointed back here received since the last one stored for it (none stored
   * yet, or longer ago: REPOINTED_FETCH_BACK_MS back); how many were stored. Those that reached
   * this app before it was pointed elsewhere are skipped (the same MessageSid).
   */
  async fetchBackRepointed(
    accountId: string,
    gateway: SmsGateway,
    sender: RepointedSender,
  ): Promise<number> {
    const floor = new Date(Date.now() - REPOINTED_FETCH_BACK_MS);
    const last = sender.fromLastStored
      ? await this.messages.lastInboundAt(accountId, sender.senderKey)
      : null;
    const since = last && last > floor ? last : floor;
    return fetchBackTexts(gateway, this.inbound, accountId, sender.phoneNumbers, since);
  }

  /** The numbers whose texts come to this app: its own, and the pools of its messaging services. */
  private async fetchBackRefused(accountId: string, since: Date): Promise<number> {
    const gateway = await this.connections.gatewayFor(accountId);
    const [numbers, services] = await Promise.all([
      gateway.listNumbers(),
      gateway.listMessagingServices(),
    ]);
    return fetchBackTexts(
      gateway,
      this.inbound,
      accountId,
      [
        ...numbers
          .filter((n) => this.senders.comesHere(n.inboundWebhookUrl))
          .map((n) => n.phoneNumber),
        ...services
          .filter((s) => this.senders.comesHere(s.inboundWebhookUrl))
          .flatMap((s) => s.phoneNumbers),
      ],
      since,
    );
  }
}
