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
      if (newRank === undefined) return;
      await this.messages.recordDeliveryStatus(
        message.id,
        status,
        report.failure?.providerCode?.toString() ?? null,
        report.providerMessageId || null,
        newRank,
        m,
      );
    };
    const reason = report.failure ? sendFailureOf(report.failure.reason) : null;
    if (reason) await this.numberCannotReceive(message, reason, recordStatus);
    else await recordStatus();
  }

  /**
   * Shared with the send processor: an unsubscribed number is recorded as opted out; the engine
   * ends the conversation (tags, end). `alsoInTransaction` (recording the failure itself) commits
   * with them, so a crash can never leave a failure recorded without its consequences.
   */
  async numberCannotReceive(
    message: Pick<Message, 'accountId' | 'senderKey' | 'phone' | 'conversationId'>,
    reason: SendFailureReason,
    alsoInTransaction: (m: EntityManager) => Promise<void> = async () => undefined,
  ): Promise<void> {
    const consequences = async (m: EntityManager) => {
      if (reason === 'unsubscribed') {
        await this.optOuts.add(message.accountId, message.senderKey, message.phone, 'provider', m);
      }
      await alsoInTransaction(m);
    };
    const conversation = message.conversationId
      ? await this.runtime.applyEvent(
          message.conversationId,
          () => ({ type: 'send_failed', at: new Date().toISOString(), reason }),
          consequences,
        )
      : null;
    if (!conversation) await this.dataSource.transaction(consequences);
  }
}
