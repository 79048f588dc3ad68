import { Injectable } from '@nestjs/common';
import { inboundSenderKey } from '@sms-seq/engine';
import { type InboundText, MessageRepository } from '../messages/message.repository';
import { InboundRelay } from '../outbox/inbound-relay';
import type { ReceivedText } from '../ports/sms-gateway.port';

export type { InboundText };

/** A text fetched back from the provider, as the webhook would have brought it. */
export function inboundTextOf(text: ReceivedText): InboundText {
  return {
    providerMessageId: text.providerMessageId,
    phone: text.from,
    senderKey: inboundSenderKey(text.to, text.messagingServiceId),
    body: text.body,
    mediaUrls: text.mediaUrls.slice(0, 10),
    optOutType: null,
  };
}

function mediaUrls(params: Record<string, string>): string[] {
  const count = Math.min(Number(params.NumMedia ?? 0) || 0, 10);
  const urls: string[] = [];
  for (let i = 0; i < count; i++) {
    const url = params[`MediaUrl${i}`];
    if (url) urls.push(url);
  }
  return urls;
}

/**
 * Twilio's Advanced Opt-Out verdict: it knows the sender's custom and localised keywords, which
 * the engine's word list does not, so it wins when present.
 */
function optOutTypeOf(params: Record<string, string>): string | null {
  const type = params.OptOutType?.trim().toUpperCase();
  return type === 'STOP' || type === 'START' || type === 'HELP' ? type : null;
}

/**
 * Stores an inbound text (once per MessageSid: the unique index makes a redelivery a no-op) and
 * hands it to the inbound relay, without waiting for Redis: the webhook's only synchronous work
 * is the INSERT. The stored row is the source of truth: the worker's relay sweep re-queues rows
 * still unprocessed, so a Redis outage delays the reply, never loses it nor slows the answer.
 */
@Injectable()
export class InboundMessageService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly relay: InboundRelay,
  ) {}

  /** The inbound webhook's parameters. True when stored now (false: had it already). */
  receive(accountId: string, params: Record<string, string>): Promise<boolean> {
    return this.store(accountId, {
      providerMessageId: params.MessageSid ?? null,
      phone: params.From ?? '',
      senderKey: inboundSenderKey(params.To ?? '', params.MessagingServiceSid || null),
      body: params.Body ?? '',
      mediaUrls: mediaUrls(params),
      optOutType: optOutTypeOf(params),
    });
  }

  /** True when stored now; false when the same text (provider id) was stored before. */
  async store(accountId: string, text: InboundText): Promise<boolean> {
    const { phone, senderKey } = text;
    if (!(await this.messages.storeInbound(accountId, text))) return false; // the same text again: already stored and queued
    this.relay.wake({ accountId, senderKey, phone });
    return true;
  }
}
