import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { nextSendTime, parseSenderKey } from '@sms-seq/engine';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ConversationRuntime } from '../conversations/conversation-runtime.service';
import { MessageRepository, type SendRow } from '../messages/message.repository';
import { WallClock } from '../conversations/wall-clock';
import {
  SendOutcomeUnknownError,
  type Sender,
  SmsCredentialsRejectedError,
  SmsGatewayError,
  type SmsGateway,
} from '../ports/sms-gateway.port';
import { TwilioConnectionService } from '../twilio/connection/twilio-connection.service';
import { twilioWebhookUrls } from '../twilio/twilio-webhook-urls';
import { DeliveryStatusService, sendFailureOf } from './delivery-status.service';
import { OutboxPublisher } from '../outbox/outbox.publisher';
import { OutboxRepository } from '../outbox/outbox.repository';
import { SendOutcomes } from './send-outcomes';
import { SendRateLimiter } from './send-rate-limiter';

function senderOf(key: string): Sender {
  const sender = parseSenderKey(key);
  if (!sender) throw new Error(`not a sender key: ${key}`);
  return sender;
}

/** A claim older than this with no answer means the worker died mid-call (Twilio answers in seconds). */
const STALE_SENDING_MS = 120_000;
/** A slot this close is taken now (a delayed job wakes to the millisecond, not before). */
const DUE_WITHIN_MS = 5;
/**
 * A text held because Twilio refused the account's credentials is tried again at most this far
 * apart: a token put back in Twilio is noticed within minutes without calling Twilio in a loop.
 */
const CREDENTIALS_RETRY_MAX_MS = 10 * 60_000;
/** `last_error` of an outbox row held for the credentials: what a save of credentials releases. */
const HELD_FOR_CREDENTIALS = 'held: Twilio refused the account credentials';

/**
 * Why a queued text must not go out (its code is kept on the message, the reason on the outbox
 * row), or null when it may. A finished conversation's texts still go out when they come up
 * (quiet hours, the sender's rate): the contact answered, and they are the tool's answer; a closing
 * message ends its conversation in the transition that queues it, so it is always one of them. An
 * expired one's waiting text does not: the only texts that can wait past the expiry are reminders
 * (the expiry waits for a question to go out, see QueueWorker.sweep), and "still there?" to a
 * conversation that is over would invite a reply nothing answers. A conversation ended from
 * outside the engine's flow (`ended`: by hand in the console) has its waiting texts held back,
 * as the console promises: nothing more is sent.
 */
function suppressionOf(row: {
  opted_out: boolean;
  conversation_status: string | null;
}): { code: string; reason: string } | null {
  if (row.opted_out || row.conversation_status === 'opted_out')
    return { code: 'opted_out', reason: 'the number opted out' };
  if (row.conversation_status === 'invalid_number')
    return { code: 'invalid_number', reason: 'the number cannot receive texts' };
  if (row.conversation_status === 'ended')
    return {
      code: 'conversation_ended',
      reason: 'the conversation was ended before this text went out',
    };
  if (row.conversation_status === 'expired')
    return {
      code: 'conversation_expired',
      reason: 'the conversation expired before this text went out',
    };
  return null;
}

/** A question sent this much later than it was asked for moves its conversation's expiry. */
const LATE_QUESTION_MS = 1_000;

/**
 * Sends one outbound message, at most once. Before anything is claimed it waits, as a delayed job
 * that holds no worker, for quiet hours to end (the tool's send window in the contact's time zone)
 * and for its sender's next slot (a per-sender rate shared in Redis), so one sender's backlog never
 * keeps another account's reply waiting; right before the claim, the sender's send window (at most
 * its rate in any second, however late the job woke; a text counts in it until a window after the
 * provider's answer) lets it go or delays it again. Only then is the row claimed (`queued` →
 * `sending`) and the provider called. An answer saying it was not sent gives the text back
 * (`queued`) for the retry; no answer (`unknown`, or a worker that died mid-call) means it may
 * have gone: the retry asks the provider first and adopts the message it finds, sending only
 * when there is none. The texts of one conversation go out in order: a text waits until the ones
 * before it are out, and each one done hands over to the next.
 */
@Injectable()
export class SendMessageProcessor implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messages: MessageRepository,
    private readonly outbox: OutboxRepository,
    private readonly twilio: TwilioConnectionService,
    private readonly rate: SendRateLimiter,
    private readonly delivery: DeliveryStatusService,
    private readonly runtime: ConversationRuntime,
    private readonly publisher: OutboxPublisher,
    private readonly clock: WallClock,
    private readonly outcomes: SendOutcomes,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.twilio.onCredentialsSaved((accountId) => this.releaseHeldForCredentials(accountId));
  }

  /** `slotAt`: the sender's slot this job was delayed to (it holds it), if any. */
  async run(outboxId: string, slotAt?: number): Promise<void> {
    const row = await this.messages.sendOf(outboxId);
    if (!row || row.done) return;
    switch (row.status) {
      case 'queued':
        return this.sendQueued(outboxId, row, slotAt);
      case 'unknown':
        return this.resolveUnknown(outboxId, row, slotAt);
      case 'sending':
        // Another run is calling the provider now (a hand-over raced this job), or died doing so.
        if (Date.now() - row.updated_at.getTime() < STALE_SENDING_MS) return;
        return this.resolveUnknown(outboxId, row, slotAt);
      default:
        // Settled already (sent, delivered, failed, suppressed): a crash came before `done`.
        await this.outbox.endSettledSend(outboxId);
        await this.handOver(row.conversation_id);
    }
  }

  private async sendQueued(outboxId: string, row: SendRow, slotAt?: number): Promise<void> {
    // An earlier text is not out yet: it hands over to this one when it is.
    if (row.waits) return;
    const suppressed = suppressionOf(row);
    if (suppressed) {
      await this.messages.suppress(outboxId, row.id, suppressed.code, suppressed.reason);
      this.outcomes.count('suppressed', suppressed.code);
      await this.handOver(row.conversation_id);
      return;
    }
    const planned = row.not_before?.getTime() ?? null;
    if (planned !== null && planned > Date.now() + DUE_WITHIN_MS) {
      // Planned for later by another run (this is a hand-over or a relay's copy): keep to that plan.
      return this.publisher.publishAt({ id: outboxId, kind: 'send_message' }, planned, {
        slotAt: planned,
      });
    }
    const quietFor = await this.quietHoursLeft(row);
    if (quietFor > 0) {
      this.outcomes.count('deferred', 'quiet_hours');
      return this.later(outboxId, Date.now() + quietFor);
    }
    // The slot this job was delayed to is its own while it is the one planned; else take one.
    const holdsSlot = slotAt !== undefined && planned === slotAt;
    if (!holdsSlot) {
      const wait = await this.rate.reserve(row.sender_key);
      if (wait > DUE_WITHIN_MS) {
        this.outcomes.count('deferred', 'sender_rate');
        const slot = Date.now() + wait;
        return this.later(outboxId, slot, slot);
      }
    }
    // Nothing slow from here to the provider's answer: a crash before it leaves the text queued.
    const gateway = await this.twilio.gatewayFor(row.account_id);
    // A slot says when to wake, not that the sender is free now: a job that woke late (a busy
    // worker) would go out with every other late one. Every attempt asks the sender's window; a
    // refused text waits only until the window has room, holding that time as its slot.
    const pass = await this.rate.takeSend(row.sender_key, row.id);
    if (pass.waitMs > 0) {
      this.outcomes.count('deferred', 'sender_window');
      const at = Date.now() + pass.waitMs;
      return this.later(outboxId, at, at);
    }
    // The window counts the text until the provider answers (settled right after the call); one
    // not sent after all (claim lost, an error before the call) is settled on the way out. Once,
    // and best effort: an entry never settled leaves the window by itself, only later.
    let settled: Promise<unknown> | undefined;
    const settle = () =>
      (settled ??= this.rate.settleSend(row.sender_key, pass.token).catch(() => undefined));
    try {
      // Another run claimed it first; that run finishes it.
      if (!(await this.messages.claimForSend(row.id))) return;
      await this.send(outboxId, row, gateway, settle);
    } finally {
      await settle();
    }
  }

  /** `answered`: called as soon as the provider has answered (or given up), before anything else. */
  private async send(
    outboxId: string,
    row: SendRow,
    gateway: SmsGateway,
    answered: () => Promise<unknown>,
  ): Promise<void> {
    let providerMessageId: string;
    try {
      const sent = await gateway
        .send({
          to: row.phone,
          sender: senderOf(row.sender_key),
          body: row.body,
          mediaUrls: row.media_urls,
          statusCallbackUrl: twilioWebhookUrls(this.config.PUBLIC_URL).statusCallbackUrl,
          idempotencyKey: row.id,
        })
        .finally(answered);
      providerMessageId = sent.providerMessageId;
    } catch (err) {
      // Checked before the non-retryable refusals: the credentials are the account's to fix, the
      // text is not at fault, so it must not fail (nor its conversation end).
      if (err instanceof SmsCredentialsRejectedError)
        return this.holdForCredentials(outboxId, row.id, 'queued', err);
      if (err instanceof SmsGatewayError && !err.retryable) return this.failed(outboxId, row, err);
      // No answer: it may have gone out. Anything else: the provider did not take it.
      const unknown = !(err instanceof SmsGatewayError) || err instanceof SendOutcomeUnknownError;
      this.outcomes.count('retried', unknown ? 'unknown' : 'not_taken');
      await this.giveBack(outboxId, row.id, unknown ? 'unknown' : 'queued', err);
      throw err;
    }
    await this.messages.recordSent(outboxId, row.id, providerMessageId);
    this.outcomes.count('sent');
    await this.questionOut(row);
    await this.handOver(row.conversation_id);
  }

  /** A question that waited (quiet hours, the rate, credentials): its expiry counts from now. */
  private async questionOut(row: SendRow): Promise<void> {
    const now = new Date();
    if (!row.conversation_id || row.purpose === 'reminder') return;
    if (now.getTime() - row.created_at.getTime() < LATE_QUESTION_MS) return;
    // The text is out and recorded; moving the clock is best effort and must not retry the send.
    await this.runtime.questionWentOut(row.conversation_id, now).catch(() => undefined);
  }

  /**
   * The last attempt may have reached the provider. Take the text over (so no other run acts on
   * it meanwhile), look for it there since that attempt's claim, and adopt what is found; only a
   * text the provider never took goes out (again) as a queued one.
   */
  private async resolveUnknown(outboxId: string, row: SendRow, slotAt?: number): Promise<void> {
    if (!(await this.messages.takeOverUnanswered(row.id, STALE_SENDING_MS))) return;
    try {
      const gateway = await this.twilio.gatewayFor(row.account_id);
      const found = await gateway.findSent(
        { to: row.phone, sender: senderOf(row.sender_key), body: row.body },
        row.claimed_at ?? row.updated_at,
      );
      const sid = await this.firstNotRecordedElsewhere(
        row.id,
        found.map((f) => f.providerMessageId),
      );
      if (sid) {
        await this.messages.recordSent(outboxId, row.id, sid);
        this.outcomes.count('sent');
        await this.questionOut(row);
        await this.handOver(row.conversation_id);
        return;
      }
      await this.messages.requeueNeverTaken(row.id);
    } catch (err) {
      // Still `unknown`: once the credentials work, the retry looks for it again before sending.
      if (err instanceof SmsCredentialsRejectedError)
        return this.holdForCredentials(outboxId, row.id, 'unknown', err);
      await this.giveBack(outboxId, row.id, 'unknown', err);
      throw err;
    }
    // Never taken: it goes out as a queued text (quiet hours, its sender's slot, the claim).
    await this.run(outboxId, slotAt);
  }

  /** The first of these provider ids no other message of ours holds (an earlier identical text). */
  private async firstNotRecordedElsewhere(
    messageId: string,
    providerIds: string[],
  ): Promise<string | null> {
    if (providerIds.length === 0) return null;
    const heldIds = new Set(await this.messages.providerIdsHeldElsewhere(messageId, providerIds));
    return providerIds.find((id) => !heldIds.has(id)) ?? null;
  }

  /**
   * The provider refused the text for good. The failure, its consequences (an invalid number or
   * an unsubscribed recipient: the engine tags and ends the conversation) and the outbox row's end
   * commit together; if that transaction fails, the text goes back to `queued` (it was not sent)
   * and the retry meets the same refusal.
   */
  private async failed(outboxId: string, row: SendRow, err: SmsGatewayError): Promise<void> {
    const record = async (m: EntityManager) => {
      await this.messages.recordFailed(row.id, err.providerCode?.toString() ?? err.reason, m);
      await this.outbox.endFailedSend(outboxId, err.message, m);
    };
    try {
      const reason = sendFailureOf(err.reason);
      if (reason) {
        await this.delivery.numberCannotReceive(
          {
            accountId: row.account_id,
            senderKey: row.sender_key,
            phone: row.phone,
            conversationId: row.conversation_id,
          },
          reason,
          record,
          err.providerCode ?? null,
        );
      } else {
        await this.dataSource.transaction(async (m) => {
          await record(m);
          if (row.conversation_id)
            await this.delivery.recordSendFailed(m, row.conversation_id, {
              reason: err.reason,
              providerCode: err.providerCode ?? null,
            });
        });
      }
    } catch (txErr) {
      await this.giveBack(outboxId, row.id, 'queued', txErr);
      throw txErr;
    }
    this.outcomes.count('failed', err.reason);
    await this.handOver(row.conversation_id);
  }

  /** Ends a claim that got no verdict: `queued` (not sent) or `unknown` (may have been). */
  private async giveBack(
    outboxId: string,
    messageId: string,
    status: 'queued' | 'unknown',
    err: unknown,
  ): Promise<void> {
    await this.messages.giveBack(outboxId, messageId, status, String(err));
  }

  /**
   * Twilio refused the account's credentials (20003 / 401; the gateway already marked the
   * connection rejected, so the console says what to fix). Retrying at the queue's pace would
   * use up the job's attempts within minutes and leave the text to the relay, so the text is
   * held instead: given back, and planned as a delayed job with a backoff of its own (capped),
   * holding no worker. Saving credentials releases it at once (releaseHeldForCredentials); a
   * token put back in Twilio is noticed by the next retry.
   */
  private async holdForCredentials(
    outboxId: string,
    messageId: string,
    status: 'queued' | 'unknown',
    err: SmsCredentialsRejectedError,
  ): Promise<void> {
    // Each hold doubles the wait (the row's attempts count them), from the queue's backoff.
    const heldUntil = await this.messages.holdForCredentials(
      outboxId,
      messageId,
      status,
      `${HELD_FOR_CREDENTIALS}: ${err.message}`,
      this.config.QUEUE_BACKOFF_MS,
      CREDENTIALS_RETRY_MAX_MS,
    );
    const at = heldUntil?.getTime() ?? Date.now() + CREDENTIALS_RETRY_MAX_MS;
    this.outcomes.count('held', 'credentials_rejected');
    await this.publisher.publishAt({ id: outboxId, kind: 'send_message' }, at);
  }

  /**
   * New credentials were saved for the account: its texts held for the refused ones go out now
   * rather than at their next retry (whose delayed job then finds them done, or sends nothing
   * twice: the claim decides). If the save's credentials are refused too, they are held again.
   */
  private async releaseHeldForCredentials(accountId: string): Promise<void> {
    const released = await this.outbox.releaseHeldSends(accountId, `${HELD_FOR_CREDENTIALS}%`);
    for (const id of released) await this.publisher.publishAgain({ id, kind: 'send_message' });
  }

  /**
   * Milliseconds until the tool's send window opens for this contact (their time zone when
   * known, else the window's default), 0 when it is open now or the tool has none. Reminders too.
   */
  private async quietHoursLeft(row: SendRow): Promise<number> {
    if (!row.tool_version_id) return 0;
    const definition = await this.runtime.definitionOf(undefined, row.tool_version_id);
    const window = definition.options.sendWindow;
    if (!window) return 0;
    const now = this.clock.now();
    const opens = Date.parse(nextSendTime(window, row.time_zone, new Date(now).toISOString()));
    return Math.max(0, opens - now);
  }

  /**
   * Plans the send for `at` (epoch ms) and queues it as a delayed job, so this job ends and frees
   * its worker. `not_before` keeps the relay from publishing it early; `slotAt` is the sender's
   * slot the delayed job holds.
   */
  private async later(outboxId: string, at: number, slotAt?: number): Promise<void> {
    const planned = (await this.outbox.planSend(outboxId, new Date(at)))?.getTime();
    if (planned !== undefined && planned !== at) {
      // Another run planned it a moment earlier: that plan stands (this slot goes unused).
      return this.publisher.publishAt({ id: outboxId, kind: 'send_message' }, planned, {
        slotAt: planned,
      });
    }
    await this.publisher.publishAt(
      { id: outboxId, kind: 'send_message' },
      at,
      slotAt === undefined ? {} : { slotAt },
    );
  }

  /** Publishes the send of the conversation's next text, which waited for this one (if any). */
  private async handOver(conversationId: string | null): Promise<void> {
    if (!conversationId) return;
    const next = await this.outbox.nextSendOf(conversationId);
    if (next) await this.publisher.publishAgain({ id: next, kind: 'send_message' });
  }
}
