import { Injectable } from '@nestjs/common';
import type { SendFailureReason } from '@sms-seq/engine';
import { DataSource, type EntityManager } from 'typeorm';
import { ConversationRuntime } from '../conversations/conversation-runtime.service';
import type { Message, MessageStatus } from '../messages/message.entity';
import { MessageRepository } from '../messages/message.repository';
import { OptOutRepository } from '../conversations/opt-out.repository';
import type { SmsFailureReason } from '../ports/sms-gateway.port';
import { parseTwilioStatusCallback } from '../twilio/twilio-delivery-status';
import { isUuid } from '../database/is-uuid';

/** Later statuses win; a report arriving late never moves a message backwards. */
const RANK: Partial<Record<MessageStatus, number>> = {
  queued: 1,
  sending: 2,
  unknown: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
};

/** The failures that mean the number cannot get our texts: the engine tags and ends the conversation. */
export function sendFailureOf(reason: SmsFailureReason): SendFailureReason | null {
  switch (reason) {
    case 'invalid-number':
      return 'invalid_number';
    case 'not-mobile':
      return 'not_mobile';
    case 'unsubscribed':
      return 'unsubscribed';
    default:
      return null;
  }
}

/** Records Twilio's delivery reports on the outbound message they are about. */
@Injectable()
export class DeliveryStatusService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messages: MessageRepository,
    private readonly optOuts: OptOutRepository,
    private readonly runtime: ConversationRuntime,
  ) {}

  async record(
    accountId: string,
    params: Record<string, string>,
    idempotencyKey: string | null,
  ): Promise<void> {
    const report = parseTwilioStatusCallback(params);
    // The key is our message id; it finds the message even before the send stored Twilio's SID.
    const message =
      idempotencyKey && isUuid(idempotencyKey)
        ? await this.messages.byIdInAccount(idempotencyKey, accountId)
        : report.providerMessageId
          ? await this.messages.byProviderSid(report.providerMessageId, accountId)
          : null;
    if (!message || message.direction !== 'out') return;
    const status = report.status as MessageStatus;
    const newRank = RANK[status];
    const recordStatus = async (m?: EntityManager) => {
      if (newRank === undefined) return false;
      return this.messages.recordDeliveryStatus(
        message.id,
        status,
        report.failure?.providerCode?.toString() ?? null,
        report.providerMessageId || null,
        newRank,
        m,
      );
    };
    const failure = report.failure;
    const reason = failure ? sendFailureOf(failure.reason) : null;
    if (failure && reason) {
      await this.numberCannotReceive(message, reason, recordStatus, failure.providerCode);
    } else if (failure && message.conversationId) {
      const conversationId = message.conversationId;
      // The conversation goes on, but its transcript says why this text did not arrive (once).
      await this.dataSource.transaction(async (m) => {
        if (await recordStatus(m)) await this.recordSendFailed(m, conversationId, failure);
      });
    } else await recordStatus();
  }

  /** The transcript's "a text could not be sent: why" (the reason and the provider's code). */
  async recordSendFailed(
    m: EntityManager,
    conversationId: string,
    failure: { reason: SmsFailureReason | SendFailureReason; providerCode: number | null },
  ): Promise<void> {
    await this.runtime.recordEvent(m, conversationId, 'send_failed', {
      reason: failure.reason.replace(/-/g, '_'),
      providerCode: failure.providerCode,
    });
  }

  /**
   * Shared with the send processor: an unsubscribed number is recorded as opted out; the engine
   * ends the conversation (tags, end). `alsoInTransaction` (recording the failure itself) commits
   * with them, so a crash can never leave a failure recorded without its consequences; it answers
   * false when the failure was recorded before (a repeated report).
   */
  async numberCannotReceive(
    message: Pick<Message, 'accountId' | 'senderKey' | 'phone' | 'conversationId'>,
    reason: SendFailureReason,
    alsoInTransaction: (m: EntityManager) => Promise<unknown> = async () => undefined,
    providerCode: number | null = null,
  ): Promise<void> {
    let told = false;
    const consequences = async (m: EntityManager) => {
      if (reason === 'unsubscribed') {
        const { accountId, senderKey, phone, conversationId } = message;
        await this.optOuts.add(accountId, senderKey, phone, 'provider', conversationId, m);
      }
      const moved = await alsoInTransaction(m);
      // Already ended (a closing message's late report): still told once, when the status moved.
      if (!told && moved !== false && message.conversationId)
        await this.recordSendFailed(m, message.conversationId, { reason, providerCode });
    };
    const conversation = message.conversationId
      ? await this.runtime.applyEvent(
          message.conversationId,
          async (conversation, m) => {
            // The engine's ending says only invalid_number: the transcript says which refusal.
            await this.recordSendFailed(m, conversation.id, { reason, providerCode });
            told = true;
            return { type: 'send_failed', at: new Date().toISOString(), reason };
          },
          consequences,
        )
      : null;
    if (!conversation) await this.dataSource.transaction(consequences);
  }
}
