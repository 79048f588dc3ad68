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
import { OutboxPublisher } from './outbox.publisher';
import { returnedRows } from './returned-rows';
import { SendRateLimiter } from './send-rate-limiter';

function senderOf(senderKey: string): Sender {
  return senderKey.startsWith('service:')
    ? { kind: 'messaging-service', id: senderKey.slice('service:'.length) }
    : { kind: 'number', phoneNumber: senderKey.slice('phone:'.length) };
}

/** A claim older than this with no answer means the worker died mid-call (Twilio answers in seconds). */
const STALE_SENDING_MS = 120_000;

/**
 * Sends one outbound message. Never twice: the message row is claimed (`queued` → `sending`)
 * before the provider is called; a failure the provider reports as not sent puts it back to
 * `queued` for the retry, and a worker that died mid-call leaves `sending`, which a retry turns
 * into `unknown` rather than risk a second text. The texts of one conversation go out in order: a
 * text waits until the ones before it are out, and each one done hands over to the next.
 */
@Injectable()
export class SendMessageProcessor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly twilio: TwilioConnectionService,
    private readonly rate: SendRateLimiter,
    private readonly delivery: DeliveryStatusService,
    private readonly runtime: ConversationRuntime,
    private readonly publisher: OutboxPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(outboxId: string): Promise<void> {
    const entry = await this.dataSource.getRepository(OutboxEntry).findOneBy({ id: outboxId });
    if (!entry || entry.doneAt) return;
    const messageId = String(entry.payload.messageId);
    // Claimed only when every earlier text of its conversation is out: texts go in the order asked.
    const claimed = returnedRows<{ id: string }>(
      await this.dataSource.query(
        `UPDATE messages m SET status = 'sending', updated_at = now()
          WHERE m.id = $1 AND m.status = 'queued'
            AND NOT EXISTS (SELECT 1 FROM messages e
                             WHERE e.conversation_id = m.conversation_id AND e.direction = 'out'
                               AND e.status IN ('queued', 'sending') AND e.seq < m.seq)
          RETURNING id`,
        [messageId],
      ),
    );
    const message = await this.dataSource.getRepository(Message).findOneByOrFail({ id: messageId });
    if (claimed.length === 0) {
      // An earlier text is not out yet: it hands over to this one when it is.
      if (message.status === 'queued') return;
      if (message.status === 'sending') {
        // Another worker is sending it now (a handover raced the first job), or one died mid-call.
        if (Date.now() - message.updatedAt.getTime() < STALE_SENDING_MS) return;
        await this.setStatus(messageId, 'unknown', null);
      }
      await this.done(outboxId, null);
      await this.handOver(message.conversationId);
      return;
    }
    const conversation = message.conversationId
      ? await this.dataSource.getRepository(Conversation).findOneBy({ id: message.conversationId })
      : null;
    const cannotReceive =
      conversation?.status === 'opted_out' || conversation?.status === 'invalid_number';
    if (
      cannotReceive ||
      (await this.runtime.isOptedOut(
        this.dataSource.manager,
        message.accountId,
        message.senderKey,
        message.phone,
      ))
    ) {
      await this.setStatus(messageId, 'suppressed', null);
      await this.done(outboxId, 'the number opted out or cannot receive texts');
      await this.handOver(message.conversationId);
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
      await this.handOver(message.conversationId);
    } catch (err) {
      if (err instanceof SmsGatewayError && !err.retryable) {
        await this.setStatus(messageId, 'failed', err.providerCode?.toString() ?? err.reason);
        await this.done(outboxId, err.message);
        const reason = sendFailureOf(err.reason);
        if (reason) await this.delivery.numberCannotReceive(message, reason);
        await this.handOver(message.conversationId);
        return;
      }
      // The provider did not take it (5xx, 429, not reachable): give it back for the retry.
      await this.setStatus(messageId, 'queued', null);
      await this.dataSource.query(
        `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
        [outboxId, String(err)],
      );
      throw err;
    }
  }

  /** Publishes the send of the conversation's next text, which waited for this one (if any). */
  private async handOver(conversationId: string | null): Promise<void> {
    if (!conversationId) return;
    const next: { id: string }[] = await this.dataSource.query(
      `SELECT o.id FROM outbox o JOIN messages m ON m.id = (o.payload->>'messageId')::uuid
        WHERE o.conversation_id = $1 AND o.kind = 'send_message' AND o.done_at IS NULL AND m.status = 'queued'
        ORDER BY m.seq LIMIT 1`,
      [conversationId],
    );
    if (next[0]) await this.publisher.publishAgain({ id: next[0].id, kind: 'send_message' });
  }

  private async setStatus(
    messageId: string,
    status: string,
    errorCode: string | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET status = $2, error_code = COALESCE($3, error_code), updated_at = now() WHERE id = $1`,
      [messageId, status, errorCode],
    );
  }

  private async done(outboxId: string, note: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET done_at = now(), attempts = attempts + 1, last_error = $2 WHERE id = $1`,
      [outboxId, note],
    );
  }
}
