import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InboundRelay } from '../queues/inbound-relay';

/** The routing key of the sender an inbound text reached (as Tool.liveSenderKey spells it). */
export function inboundSenderKey(params: Record<string, string>): string {
  return params.MessagingServiceSid
    ? `service:${params.MessagingServiceSid}`
    : `phone:${params.To ?? ''}`;
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
    private readonly dataSource: DataSource,
    private readonly relay: InboundRelay,
  ) {}

  async receive(accountId: string, params: Record<string, string>): Promise<void> {
    const senderKey = inboundSenderKey(params);
    const phone = params.From ?? '';
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO messages (account_id, direction, phone, sender_key, body, media_urls, provider_sid, status, opt_out_type)
       VALUES ($1, 'in', $2, $3, $4, $5, $6, 'received', $7)
       ON CONFLICT (provider_sid) DO NOTHING
       RETURNING id`,
      [
        accountId,
        phone,
        senderKey,
        params.Body ?? '',
        JSON.stringify(mediaUrls(params)),
        params.MessageSid ?? null,
        optOutTypeOf(params),
      ],
    );
    const inserted = rows[0];
    if (!inserted) return; // the same webhook again: already stored and queued
    this.relay.wake({ accountId, senderKey, phone });
  }
}
