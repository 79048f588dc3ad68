import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { returnedRows } from '../database/returned-rows';
import { Message, type MessageStatus } from './message.entity';
import type { PhoneLine } from './phone-line';

/** Everything one send needs, read in one round trip (`MessageRepository.sendOf`). */
export interface SendRow {
  done: boolean;
  not_before: Date | null;
  id: string;
  status: MessageStatus;
  conversation_id: string | null;
  account_id: string;
  sender_key: string;
  phone: string;
  body: string;
  media_urls: string[];
  purpose: string | null;
  created_at: Date;
  claimed_at: Date | null;
  updated_at: Date;
  /** An earlier text of the conversation is not out yet. */
  waits: boolean;
  conversation_status: string | null;
  tool_version_id: string | null;
  time_zone: string | null;
  opted_out: boolean;
}

/** An earlier text of the conversation of `m` is not out yet: `m` waits for it. */
const UNSENT_BEFORE = `EXISTS (SELECT 1 FROM messages e
   WHERE e.conversation_id = m.conversation_id AND e.direction = 'out'
     AND e.status IN ('queued', 'sending', 'unknown') AND e.seq < m.seq)`;

/** A text a contact sent, as it is stored. */
export interface InboundText {
  /** The provider's id (Twilio's MessageSid): the same text is stored once. */
  providerMessageId: string | null;
  phone: string;
  senderKey: string;
  body: string;
  mediaUrls: string[];
  optOutType: string | null;
}

/** A text a conversation sends (an effect of the engine's). */
export interface OutboundText {
  accountId: string;
  conversationId: string;
  phone: string;
  senderKey: string;
  body: string;
  mediaUrls: string[];
  stepId: string | null;
  purpose: string;
}

/** A contact's text that started nothing, kept with its reason. */
export interface RefusedText {
  id: string;
  phone: string;
  senderKey: string;
  body: string;
  receivedAt: Date;
}

/**
 * The texts in and out (`messages`): the webhook's insert, the runtime's claims, the send processor's
 * bookkeeping and the transcript's reads.
 * Every method takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class MessageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The send of an outbox row: its message, its conversation and whether the number opted out. */
  async sendOf(outboxId: string, m?: EntityManager): Promise<SendRow | null> {
    const rows: SendRow[] = await this.manager(m).query(
      `SELECT o.done_at IS NOT NULL AS done, o.not_before,
              m.id, m.status, m.conversation_id, m.account_id, m.sender_key, m.phone, m.body, m.media_urls,
              m.purpose, m.created_at, m.claimed_at, m.updated_at, ${UNSENT_BEFORE} AS waits,
              c.status AS conversation_status, c.tool_version_id, c.contact->>'timeZone' AS time_zone,
              EXISTS (SELECT 1 FROM opt_outs x
                       WHERE x.account_id = m.account_id AND x.sender_key = m.sender_key AND x.phone = m.phone) AS opted_out
         FROM outbox o
         JOIN messages m ON m.id = (o.payload->>'messageId')::uuid
         LEFT JOIN conversations c ON c.id = m.conversation_id
        WHERE o.id = $1`,
      [outboxId],
    );
    return rows[0] ?? null;
  }

  /** A queued text that must not go out: suppressed (`code`), its outbox row done (`reason`). */
  async suppress(
    outboxId: string,
    messageId: string,
    code: string,
    reason: string,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).query(
      `WITH m AS (UPDATE messages SET status = 'suppressed', error_code = $3, updated_at = now()
                   WHERE id = $2 AND status = 'queued')
       UPDATE outbox SET done_at = now(), attempts = attempts + 1, not_before = NULL, last_error = $4
        WHERE id = $1`,
      [outboxId, messageId, code, reason],
    );
  }

  /**
   * `queued` → `sending` right before the provider is called, unless an earlier text of the
   * conversation is not out yet; false when another run claimed it first.
   */
  async claimForSend(messageId: string, m?: EntityManager): Promise<boolean> {
    const claimed = returnedRows<{ id: string }>(
      await this.manager(m).query(
        `UPDATE messages m SET status = 'sending', claimed_at = now(), updated_at = now()
          WHERE m.id = $1 AND m.status = 'queued' AND NOT ${UNSENT_BEFORE}
          RETURNING id`,
        [messageId],
      ),
    );
    return claimed.length > 0;
  }

  /**
   * Takes over a text whose last attempt got no answer (`unknown`, or `sending` for longer than
   * `staleMs`: its worker died mid-call); false when another run has it.
   */
  async takeOverUnanswered(
    messageId: string,
    staleMs: number,
    m?: EntityManager,
  ): Promise<boolean> {
    const taken = returnedRows<{ id: string }>(
      await this.manager(m).query(
        `UPDATE messages SET status = 'sending', updated_at = now()
          WHERE id = $1 AND (status = 'unknown'
                OR (status = 'sending' AND updated_at < now() - ($2::int * interval '1 millisecond')))
          RETURNING id`,
        [messageId, staleMs],
      ),
    );
    return taken.length > 0;
  }

  /** A taken-over text the provider never got goes back to `queued`. */
  async requeueNeverTaken(messageId: string, m?: EntityManager): Promise<void> {
    await this.manager(m).query(
      `UPDATE messages SET status = 'queued', updated_at = now() WHERE id = $1 AND status = 'sending'`,
      [messageId],
    );
  }

  /** Those of `providerIds` another message of ours holds (an earlier identical text). */
  async providerIdsHeldElsewhere(
    messageId: string,
    providerIds: string[],
    m?: EntityManager,
  ): Promise<string[]> {
    const held: { provider_sid: string }[] = await this.manager(m).query(
      `SELECT provider_sid FROM messages
        WHERE account_id = (SELECT account_id FROM messages WHERE id = $2) AND provider_sid = ANY($1::text[]) AND id <> $2`,
      [providerIds, messageId],
    );
    return held.map((h) => h.provider_sid);
  }

  /** The provider's id and `sent`, and the outbox row done: one statement, so both or neither. */
  async recordSent(
    outboxId: string,
    messageId: string,
    providerSid: string,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).query(
      `WITH m AS (UPDATE messages SET provider_sid = $3,
                         status = CASE WHEN status IN ('sending', 'unknown') THEN 'sent' ELSE status END,
                         updated_at = now()
                   WHERE id = $2)
       UPDATE outbox SET done_at = now(), attempts = attempts + 1, last_error = NULL, not_before = NULL
        WHERE id = $1`,
      [outboxId, messageId, providerSid],
    );
  }

  /** The provider refused the text for good (the outbox row ends with it: `OutboxRepository.endFailedSend`). */
  async recordFailed(messageId: string, errorCode: string, m?: EntityManager): Promise<void> {
    await this.manager(m).query(
      `UPDATE messages SET status = 'failed', error_code = COALESCE($2, error_code), updated_at = now() WHERE id = $1`,
      [messageId, errorCode],
    );
  }

  /** Ends a claim that got no verdict: `queued` (not sent) or `unknown` (may have been). */
  async giveBack(
    outboxId: string,
    messageId: string,
    status: 'queued' | 'unknown',
    error: string,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).query(
      `WITH m AS (UPDATE messages SET status = $3, updated_at = now() WHERE id = $2 AND status = 'sending')
       UPDATE outbox SET attempts = attempts + 1, last_error = $4, not_before = NULL WHERE id = $1`,
      [outboxId, messageId, status, error],
    );
  }

  /**
   * Gives the claim back and plans the retry: each hold doubles the wait (the row's attempts
   * count them) from `backoffMs`, up to `maxMs`. Returns when the retry is due (null: no row).
   */
  async holdForCredentials(
    outboxId: string,
    messageId: string,
    status: 'queued' | 'unknown',
    error: string,
    backoffMs: number,
    maxMs: number,
    m?: EntityManager,
  ): Promise<Date | null> {
    const [held] = returnedRows<{ not_before: Date }>(
      await this.manager(m).query(
        `WITH m AS (UPDATE messages SET status = $3, updated_at = now() WHERE id = $2 AND status = 'sending')
         UPDATE outbox SET attempts = attempts + 1, last_error = $4,
                not_before = now() + LEAST($5::float8 * power(2, LEAST(attempts, 20)), $6) * interval '1 millisecond'
          WHERE id = $1 RETURNING not_before`,
        [outboxId, messageId, status, error, backoffMs, maxMs],
      ),
    );
    return held?.not_before ?? null;
  }

  /** The message a delivery report names by our id (its idempotency key), in its account. */
  async byIdInAccount(id: string, accountId: string, m?: EntityManager): Promise<Message | null> {
    return this.manager(m).getRepository(Message).findOneBy({ id, accountId });
  }

  /** The message a delivery report names by Twilio's SID, in its account. */
  async byProviderSid(
    providerSid: string,
    accountId: string,
    m?: EntityManager,
  ): Promise<Message | null> {
    return this.manager(m).getRepository(Message).findOneBy({ providerSid, accountId });
  }

  /**
   * A delivery report's status (with its error code, and the provider's id if the send did not
   * store it yet), unless the message is already as far or further (`rank`: later statuses win).
   * True when it moved (a repeated report does not).
   */
  async recordDeliveryStatus(
    messageId: string,
    status: MessageStatus,
    errorCode: string | null,
    providerSid: string | null,
    rank: number,
    m?: EntityManager,
  ): Promise<boolean> {
    const result: unknown = await this.manager(m).query(
      `UPDATE messages SET status = $2, error_code = COALESCE($3, error_code), provider_sid = COALESCE(provider_sid, $4), updated_at = now()
        WHERE id = $1 AND (CASE status WHEN 'queued' THEN 1 WHEN 'sending' THEN 2 WHEN 'unknown' THEN 2 WHEN 'sent' THEN 3
              WHEN 'delivered' THEN 4 WHEN 'undelivered' THEN 4 WHEN 'failed' THEN 4 ELSE 5 END) < $5
       RETURNING id`,
      [messageId, status, errorCode, providerSid, rank],
    );
    return returnedRows(result).length > 0;
  }

  /** The conversation's texts, oldest first (the note's transcript). */
  async ofConversation(conversationId: string, m?: EntityManager): Promise<Message[]> {
    return this.manager(m)
      .getRepository(Message)
      .find({ where: { conversationId }, order: { createdAt: 'ASC' } });
  }

  /**
   * Stores a text a contact sent, once per provider id (the unique index makes a redelivery a
   * no-op); false when it was stored before. Hand-tuned: the webhook's only synchronous work.
   */
  async storeInbound(accountId: string, text: InboundText, m?: EntityManager): Promise<boolean> {
    const rows: { id: string }[] = await this.manager(m).query(
      `INSERT INTO messages (account_id, direction, phone, sender_key, body, media_urls, provider_sid, status, opt_out_type)
       VALUES ($1, 'in', $2, $3, $4, $5, $6, 'received', $7)
       ON CONFLICT (account_id, provider_sid) DO NOTHING
       RETURNING id`,
      [
        accountId,
        text.phone,
        text.senderKey,
        text.body,
        JSON.stringify(text.mediaUrls),
        text.providerMessageId,
        text.optOutType,
      ],
    );
    return rows[0] !== undefined;
  }

  /** The phone's texts to the sender not handled yet, oldest first. */
  async unprocessedInbound(line: PhoneLine, m: EntityManager): Promise<Message[]> {
    const { accountId, senderKey, phone } = line;
    return m.getRepository(Message).find({
      where: { direction: 'in', status: 'received', accountId, senderKey, phone },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async hasUnprocessedInbound(line: PhoneLine, m?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await this.manager(m).query(
      `SELECT 1 FROM messages WHERE direction = 'in' AND status = 'received' AND account_id = $1 AND sender_key = $2 AND phone = $3 LIMIT 1`,
      [line.accountId, line.senderKey, line.phone],
    );
    return rows.length > 0;
  }

  /**
   * Phones with texts still unprocessed `olderThanMs` after they arrived (at most 500), except
   * those whose conversation waits for its contact (its arrival handles their texts).
   */
  async phonesWithUnprocessedInbound(
    olderThanMs: number,
    m?: EntityManager,
  ): Promise<{ accountId: string; senderKey: string; phone: string }[]> {
    const rows: { account_id: string; sender_key: string; phone: string }[] = await this.manager(
      m,
    ).query(
      `SELECT DISTINCT ON (m.account_id, m.sender_key, m.phone) m.account_id, m.sender_key, m.phone FROM messages m
        WHERE m.direction = 'in' AND m.status = 'received' AND m.created_at < now() - ($1::int * interval '1 millisecond')
          AND NOT EXISTS (SELECT 1 FROM conversations c
                           WHERE c.account_id = m.account_id AND c.sender_key = m.sender_key AND c.phone = m.phone
                             AND c.ended_at IS NULL AND c.status = 'awaiting_contact')
        ORDER BY m.account_id, m.sender_key, m.phone, m.created_at LIMIT 500`,
      [olderThanMs],
    );
    return rows.map((r) => ({ accountId: r.account_id, senderKey: r.sender_key, phone: r.phone }));
  }

  /**
   * The text was handled, for `conversationId` (null: none); `refusal` says why a text that should
   * have started a conversation did not (kept in error_code).
   */
  async markProcessed(
    messageId: string,
    conversationId: string | null,
    refusal: string | null,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).query(
      `UPDATE messages SET status = 'processed', conversation_id = $2, error_code = $3, updated_at = now() WHERE id = $1`,
      [messageId, conversationId, refusal],
    );
  }

  /** A text a conversation sends, queued for the send processor; its id. */
  async queueOutbound(text: OutboundText, m?: EntityManager): Promise<string> {
    const rows: { id: string }[] = await this.manager(m).query(
      `INSERT INTO messages (account_id, conversation_id, direction, phone, sender_key, body, media_urls, status, step_id, purpose)
             VALUES ($1, $2, 'out', $3, $4, $5, $6, 'queued', $7, $8) RETURNING id`,
      [
        text.accountId,
        text.conversationId,
        text.phone,
        text.senderKey,
        text.body,
        JSON.stringify(text.mediaUrls),
        text.stepId,
        text.purpose,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('INSERT … RETURNING id returned no row');
    return row.id;
  }

  /** When the account last stored a text a contact sent to this sender (our clock). */
  async lastInboundAt(
    accountId: string,
    senderKey: string,
    m?: EntityManager,
  ): Promise<Date | null> {
    const [row] = (await this.manager(m).query(
      `SELECT max(created_at) AS last FROM messages WHERE account_id = $1 AND direction = 'in' AND sender_key = $2`,
      [accountId, senderKey],
    )) as { last: Date | null }[];
    return row?.last ?? null;
  }

  /** The conversation's texts, oldest first (the console's transcript). */
  async transcriptOf(
    conversationId: string,
    accountId: string,
    m?: EntityManager,
  ): Promise<Message[]> {
    return this.manager(m)
      .getRepository(Message)
      .find({ where: { conversationId, accountId }, order: { createdAt: 'ASC' } });
  }

  /** The account's texts that started nothing for `code` (error_code), newest first. */
  async refusedTexts(
    accountId: string,
    code: string,
    limit: number,
    m?: EntityManager,
  ): Promise<RefusedText[]> {
    const rows: {
      id: string;
      phone: string;
      sender_key: string;
      body: string;
      created_at: Date;
    }[] = await this.manager(m).query(
      `SELECT id, phone, sender_key, body, created_at FROM messages
        WHERE account_id = $1 AND direction = 'in' AND conversation_id IS NULL AND error_code = $2
        ORDER BY created_at DESC, seq DESC LIMIT $3`,
      [accountId, code, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      phone: r.phone,
      senderKey: r.sender_key,
      body: r.body,
      receivedAt: r.created_at,
    }));
  }

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }
}
