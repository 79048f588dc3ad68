import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { returnedRows } from '../database/returned-rows';
import { type HttpStartPayload, type OutboxKind, OutboxEntry } from './outbox-entry.entity';

/**
 * The outbox (`outbox`): work committed with the state change that asked for it.
 * Every method takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  async byId(id: string, m?: EntityManager): Promise<OutboxEntry | null> {
    return this.manager(m).getRepository(OutboxEntry).findOneBy({ id });
  }

  /** A send found settled already (a crash came before its row was done): done now, if not yet. */
  async endSettledSend(id: string, m?: EntityManager): Promise<void> {
    await this.manager(m).query(
      `UPDATE outbox SET done_at = now(), attempts = attempts + 1, not_before = NULL WHERE id = $1 AND done_at IS NULL`,
      [id],
    );
  }

  /** A send the provider refused for good: done, with the refusal. */
  async endFailedSend(id: string, error: string, m?: EntityManager): Promise<void> {
    await this.manager(m).query(
      `UPDATE outbox SET done_at = now(), attempts = attempts + 1, last_error = $2, not_before = NULL WHERE id = $1`,
      [id, error],
    );
  }

  /**
   * Plans the send for `at` unless another run planned it for later already; returns the plan
   * that stands (null: no row).
   */
  async planSend(id: string, at: Date, m?: EntityManager): Promise<Date | null> {
    const [planned] = returnedRows<{ not_before: Date }>(
      await this.manager(m).query(
        `UPDATE outbox SET not_before = CASE WHEN not_before > now() THEN not_before ELSE $2 END
          WHERE id = $1 RETURNING not_before`,
        [id, at],
      ),
    );
    return planned?.not_before ?? null;
  }

  /**
   * Work left until `at` (a note held for the contact's next conversation): the relay waits too.
   * True when this call planned it (false: done, or planned for `at` already).
   */
  async holdUntil(id: string, at: Date, m?: EntityManager): Promise<boolean> {
    const rows = returnedRows(
      await this.manager(m).query(
        `UPDATE outbox SET not_before = $2
          WHERE id = $1 AND done_at IS NULL AND not_before IS DISTINCT FROM $2 RETURNING id`,
        [id, at],
      ),
    );
    return rows.length > 0;
  }

  /** The account's pending sends held with a `last_error` LIKE `heldLike`, due now; their ids. */
  async releaseHeldSends(
    accountId: string,
    heldLike: string,
    m?: EntityManager,
  ): Promise<string[]> {
    const released = returnedRows<{ id: string }>(
      await this.manager(m).query(
        `UPDATE outbox SET not_before = NULL
          WHERE account_id = $1 AND kind = 'send_message' AND done_at IS NULL AND last_error LIKE $2
          RETURNING id`,
        [accountId, heldLike],
      ),
    );
    return released.map((r) => r.id);
  }

  /** The pending send of the conversation's first queued text (the next to go out), if any. */
  async nextSendOf(conversationId: string, m?: EntityManager): Promise<string | null> {
    const next: { id: string }[] = await this.manager(m).query(
      `SELECT o.id FROM outbox o JOIN messages m ON m.id = (o.payload->>'messageId')::uuid
        WHERE o.conversation_id = $1 AND o.kind = 'send_message' AND o.done_at IS NULL AND m.status = 'queued'
        ORDER BY m.seq LIMIT 1`,
      [conversationId],
    );
    return next[0]?.id ?? null;
  }

  /**
   * Whether a field save of the conversation asked for with or before the row `id` (the same
   * transition shares its `created_at`, compared in SQL: a JS Date drops the microseconds) is
   * still to be done.
   */
  async savesPendingBefore(id: string, m?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await this.manager(m).query(
      `SELECT 1 FROM outbox o JOIN outbox mine ON mine.id = $1
        WHERE o.conversation_id = mine.conversation_id AND o.kind = 'save_field'
          AND o.done_at IS NULL AND o.created_at <= mine.created_at LIMIT 1`,
      [id],
    );
    return rows.length > 0;
  }

  /**
   * A reply's field save, due at the latest `delayMs` from now (0: at once; a job runs it then,
   * unless a tag, goal, note or the end of its conversation takes it to Keap first). Its payload
   * keeps the moment it was asked for (`clock_timestamp()`, unlike `created_at` distinct within a
   * transaction), so a field saved twice keeps the later reply's value. Its id and due time.
   */
  async enqueueFieldSave(
    accountId: string,
    conversationId: string,
    save: { field: string; value: string },
    delayMs: number,
    m?: EntityManager,
  ): Promise<{ id: string; notBefore: Date | null }> {
    const [row] = returnedRows<{ id: string; not_before: Date | null }>(
      await this.manager(m).query(
        `INSERT INTO outbox (account_id, conversation_id, kind, payload, not_before)
          VALUES ($1, $2, 'save_field', $3::jsonb || jsonb_build_object('askedAt', clock_timestamp()),
                  CASE WHEN $4::int > 0 THEN now() + $4::int * interval '1 millisecond' END)
          RETURNING id, not_before`,
        [accountId, conversationId, JSON.stringify(save), delayMs],
      ),
    );
    if (!row) throw new Error('INSERT … RETURNING id returned no row');
    return { id: row.id, notBefore: row.not_before };
  }

  /** The conversation's field saves not done yet, in the order their replies came. */
  async pendingFieldSaves(
    conversationId: string,
    m?: EntityManager,
  ): Promise<{ id: string; field: string; value: string }[]> {
    const rows: { id: string; field: string; value: string }[] = await this.manager(m).query(
      `SELECT id, payload->>'field' AS field, payload->>'value' AS value FROM outbox
        WHERE conversation_id = $1 AND kind = 'save_field' AND done_at IS NULL
        ORDER BY COALESCE((payload->>'askedAt')::timestamptz, created_at)`,
      [conversationId],
    );
    return rows;
  }

  /**
   * The conversation's field saves waiting for their due time are due now (it ended: nothing
   * more will join them); their ids, to queue at once.
   */
  async fieldSavesDueNow(conversationId: string, m?: EntityManager): Promise<string[]> {
    const rows = returnedRows<{ id: string }>(
      await this.manager(m).query(
        `UPDATE outbox SET not_before = NULL
          WHERE conversation_id = $1 AND kind = 'save_field' AND done_at IS NULL AND not_before IS NOT NULL
          RETURNING id`,
        [conversationId],
      ),
    );
    return rows.map((r) => r.id);
  }

  /** The payloads of the conversation's work of `kind`, done or not, oldest first. */
  async payloadsOf(
    conversationId: string,
    kind: OutboxKind,
    m?: EntityManager,
  ): Promise<Record<string, unknown>[]> {
    const rows: { payload: Record<string, unknown> }[] = await this.manager(m).query(
      `SELECT payload FROM outbox WHERE conversation_id = $1 AND kind = $2 ORDER BY created_at`,
      [conversationId, kind],
    );
    return rows.map((r) => r.payload);
  }

  /** The conversation's pending work of `kind`, oldest first. */
  async pendingOf(conversationId: string, kind: OutboxKind, m?: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await this.manager(m).query(
      `SELECT id FROM outbox WHERE conversation_id = $1 AND kind = $2 AND done_at IS NULL
        ORDER BY created_at`,
      [conversationId, kind],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The contact's transcripts for the tool waiting for the note: the pending `write_note` rows of
   * its conversations whose field saves have all landed (a note tells of saved answers), oldest
   * conversation first, with the attempts counted on each.
   */
  async notesWaitingFor(
    toolId: string,
    contactId: number,
    m?: EntityManager,
  ): Promise<{ id: string; conversationId: string; attempts: number }[]> {
    const rows: { id: string; conversation_id: string; attempts: number }[] = await this.manager(
      m,
    ).query(
      `SELECT o.id, o.conversation_id, o.attempts FROM conversations c
          JOIN outbox o ON o.conversation_id = c.id AND o.kind = 'write_note' AND o.done_at IS NULL
        WHERE c.tool_id = $1 AND c.contact_id = $2
          AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.conversation_id = c.id
                            AND s.kind = 'save_field' AND s.done_at IS NULL)
        ORDER BY c.started_at, o.created_at`,
      [toolId, contactId],
    );
    return rows.map((r) => ({
      id: r.id,
      conversationId: r.conversation_id,
      attempts: Number(r.attempts),
    }));
  }

  /** Marks the row done unless another worker already did; true when this call did. */
  async claim(id: string, m?: EntityManager): Promise<boolean> {
    const rows = returnedRows(
      await this.manager(m).query(
        `UPDATE outbox SET done_at = now(), attempts = attempts + 1 WHERE id = $1 AND done_at IS NULL RETURNING id`,
        [id],
      ),
    );
    return rows.length > 0;
  }

  /** `claim` for several rows at once; the ids this call marked done. */
  async claimAll(ids: readonly string[], m?: EntityManager): Promise<string[]> {
    const rows = returnedRows<{ id: string }>(
      await this.manager(m).query(
        `UPDATE outbox SET done_at = now(), attempts = attempts + 1
          WHERE id = ANY($1::uuid[]) AND done_at IS NULL RETURNING id`,
        [ids],
      ),
    );
    return rows.map((r) => r.id);
  }

  /** Done (an earlier `done_at` stands), with `note` as its last error when there is one. */
  async markDone(id: string, note: string | null, m?: EntityManager): Promise<void> {
    await this.manager(m).query(
      `UPDATE outbox SET done_at = COALESCE(done_at, now()), last_error = COALESCE($2, last_error) WHERE id = $1`,
      [id, note],
    );
  }

  /** Done now, its last error kept. */
  async finish(id: string, m?: EntityManager): Promise<void> {
    await this.manager(m).query(`UPDATE outbox SET done_at = now() WHERE id = $1`, [id]);
  }

  /** Done now, with a note on how it ended (why the work was not done, or null). */
  async stop(id: string, reason: string | null, m?: EntityManager): Promise<void> {
    await this.manager(m).query(
      `UPDATE outbox SET done_at = now(), last_error = $2 WHERE id = $1`,
      [id, reason],
    );
  }

  /** An attempt that failed and goes back to the queue. */
  async recordFailedAttempt(id: string, error: string, m?: EntityManager): Promise<void> {
    await this.manager(m).query(
      `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
      [id, error],
    );
  }

  /** Counts an attempt before it starts; returns the count (null: no row). */
  async countAttempt(id: string, m?: EntityManager): Promise<number | null> {
    const [counted] = returnedRows<{ attempts: number }>(
      await this.manager(m).query(
        `UPDATE outbox SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts`,
        [id],
      ),
    );
    return counted ? Number(counted.attempts) : null;
  }

  /** The error of an attempt counted already (`countAttempt`). */
  async recordError(id: string, error: string, m?: EntityManager): Promise<void> {
    await this.manager(m).query(`UPDATE outbox SET last_error = $2 WHERE id = $1`, [id, error]);
  }

  /** Work to perform, committed with the state change that asked for it; its id. */
  async enqueue(
    accountId: string,
    conversationId: string | null,
    kind: OutboxKind,
    payload: Record<string, unknown>,
    m?: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await this.manager(m).query(
      `INSERT INTO outbox (account_id, conversation_id, kind, payload) VALUES ($1, $2, $3, $4) RETURNING id`,
      [accountId, conversationId, kind, JSON.stringify(payload)],
    );
    const row = rows[0];
    if (!row) throw new Error('INSERT … RETURNING id returned no row');
    return row.id;
  }

  /**
   * Campaigns' HTTP Post starts, accepted by the tool URL, for the queue to perform: one statement
   * for all of them (no save()'s transaction around it), their ids in the order given.
   */
  async acceptHttpStarts(
    starts: readonly { accountId: string; payload: HttpStartPayload }[],
    m?: EntityManager,
  ): Promise<string[]> {
    // Ids made here: each post knows its own row without relying on RETURNING's order.
    const ids = starts.map(() => randomUUID());
    const rows = returnedRows<{ id: string }>(
      await this.manager(m).query(
        `INSERT INTO outbox (id, account_id, kind, payload)
         SELECT s.id, s.account_id, 'start_http', s.payload
           FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[]) AS s(id, account_id, payload)
         RETURNING id`,
        [ids, starts.map((s) => s.accountId), starts.map((s) => JSON.stringify(s.payload))],
      ),
    );
    if (rows.length !== starts.length)
      throw new Error(`${starts.length - rows.length} of ${starts.length} starts were not stored`);
    return ids;
  }

  /** The entry, its row locked for the rest of the caller's transaction. */
  async lockEntry(id: string, m: EntityManager): Promise<OutboxEntry | null> {
    return m
      .getRepository(OutboxEntry)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The entries are on their queues now. */
  async markPublished(ids: string[], m?: EntityManager): Promise<void> {
    await this.manager(m).query(
      'UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])',
      [ids],
    );
  }

  /**
   * Work not on the queues: never published, or published `republishAfterMs` ago and still not
   * done. Work planned for later (`not_before`) counts as published until that time. Oldest first.
   */
  async notOnTheQueues(
    republishAfterMs: number,
    m?: EntityManager,
  ): Promise<{ id: string; kind: OutboxKind }[]> {
    return this.manager(m).query(
      `SELECT id, kind FROM outbox
        WHERE done_at IS NULL
          AND ((published_at IS NULL AND created_at < now() - interval '2 seconds')
               OR published_at < now() - ($1::int * interval '1 millisecond'))
          AND (not_before IS NULL OR not_before < now() - ($1::int * interval '1 millisecond'))
        ORDER BY created_at LIMIT 500`,
      [republishAfterMs],
    );
  }

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }
}
