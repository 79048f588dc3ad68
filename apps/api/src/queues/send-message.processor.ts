import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ConversationRuntime } from '../conversations/conversation-runtime.service';
import { Conversation } from '../conversations/conversation.entity';
import { Message } from '../conversations/message.entity';
import { type Sender, SmsGatewayError } from '../sms/sms-gateway.port';
import { TwilioConnectionService } from '../twilio-connection/twilio-connection.service';
import { DeliveryStatusService, sendFailureOf } from '../webhooks/delivery-status.service';
import { OutboxEntry } from './outbox-entry.entity';
import { SendRateLimiter } from './send-rate-limiter';

function senderOf(senderKey: string): Sender {
  return senderKey.startsWith('service:')
    ? { kind: 'messaging-service', id: senderKey.slice('service:'.length) }
    : { kind: 'number', phoneNumber: senderKey.slice('phone:'.length) };
}

/**
 * Sends one outbound message. Never twice: the message row is claimed (`queued` → `sending`)
 * before the provider is called; a failure the provider reports as not sent puts it back to
 * `queued` for the retry, and a worker that died mid-call leaves `sending`, which a retry turns
 * into `unknown` rather than risk a second text.
 */
@Injectable()
export class SendMessageProcessor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly twilio: TwilioConnectionService,
    private readonly rate: SendRateLimiter,
    private readonly delivery: DeliveryStatusService,
    private readonly runtime: ConversationRuntime,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(outboxId: string): Promise<void> {
    const entry = await this.dataSource.getRepository(OutboxEntry).findOneBy({ id: outboxId });
    if (!entry || entry.doneAt) return;
    const messageId = String(entry.payload.messageId);
    const claimed: unknown[] = await this.dataSource.query(
      `UPDATE messages SET status = 'sending', updated_at = now() WHERE id = $1 AND status = 'queued' RETURNING id`,
      [messageId],
    );
    const message = await this.dataSource.getRepository(Message).findOneByOrFail({ id: messageId });
    if (claimed.length === 0) {
      if (message.status === 'sending') await this.setStatus(messageId, 'unknown', null);
      await this.done(outboxId, null);
      return;
    }
    const conversation = message.conversationId
      ? await this.dataSource.getRepository(Conversation).findOneBy({ id: message.conversationId })
      : null;
    const cannotReceive = conversation?.status === 'opted_out' || conversation?.status === 'invalid_number';
    if (cannotReceive || (await this.runtime.isOptedOut(this.dataSource.manager, message.accountId, message.senderKey, message.phone))) {
      await this.setStatus(messageId, 'suppressed', null);
      await this.done(outboxId, 'the number opted out or cannot receive texts');
      return;
    }
    try {
      await this.rate.waitForSlot(message.senderKey);
      const gateway = await this.twilio.gatewayFor(message.accountId);
      const sent = await gateway.send({
        to: message.phone,
        sender: senderOf(message.senderKey),
        body: message.body,
        mediaUrls: message.mediaUrls,
        statusCallbackUrl: `${this.config.PUBLIC_URL.replace(/\/+$/, '')}/hooks/twilio/status`,
        idempotencyKey: message.id,
      });
      await this.dataSource.query(
        `UPDATE messages SET provider_sid = $2, status = CASE WHEN status = 'sending' THEN 'sent' ELSE status END, updated_at = now()
          WHERE id = $1`,
        [messageId, sent.providerMessageId],
      );
      await this.done(outboxId, null);
    } catch (err) {
      if (err instanceof SmsGatewayError && !err.retryable) {
        await this.setStatus(messageId, 'failed', err.providerCode?.toString() ?? err.reason);
        await this.done(outboxId, err.message);
        const reason = sendFailureOf(err.reason);
        if (reason) await this.delivery.numberCannotReceive(message, reason);
        return;
      }
      // The provider did not take it (5xx, 429, not reachable): give it back for the retry.
      await this.setStatus(messageId, 'queued', null);
      await this.dataSource.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [outboxId, String(err)]);
      throw err;
    }
  }

  private async setStatus(messageId: string, status: string, errorCode: string | null): Promise<void> {
    await this.dataSource.query(`UPDATE messages SET status = $2, error_code = COALESCE($3, error_code), updated_at = now() WHERE id = $1`, [
      messageId,
      status,
      errorCode,
    ]);
  }

  private async done(outboxId: string, note: string | null): Promise<void> {
    await this.dataSource.query(`UPDATE outbox SET done_at = now(), attempts = attempts + 1, last_error = $2 WHERE id = $1`, [outboxId, note]);
  }
}
