import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { loadKeapBudgetConfig } from '../config/keap-budget.config';
import { KEAP_CALL_KINDS, readsAndWrites } from '../keap/budget/keap-call-kinds';
import { type KeapCallsDistribution, KeapCallsHistogram } from '../keap/budget/keap-budget.metrics';
import { KEAP_TALLY_REDIS } from '../keap/budget/keap-budget.module';
import { ConversationRepository } from './conversation.repository';

/** Outbox kinds that call Keap: a conversation's Keap work is done when none of these is pending. */
const KEAP_WORK = ['resolve_contact', 'apply_tag', 'achieve_goal', 'save_field', 'write_note'];
/** Per-conversation counts above this are kept as this (the histogram's last bucket is +Inf anyway). */
const MAX_KEPT = 1000;
/** How long "this conversation was observed" is remembered (a late retry must not observe it again). */
const OBSERVED_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Keap calls per conversation, by kind, for the `keap_calls_per_conversation` histogram. A
 * conversation is observed once, when it has ended and its last Keap work (tags, field saves,
 * the note after the end) is done, with its tally from `conversations.keap_calls`. Kept in Redis
 * so that every process's observations show in the metrics any API process serves (the budget's
 * metrics read them through KeapCallsHistogram, where this registers itself).
 * Kinds are the call kinds, plus `read` and `write` (their totals).
 */
@Injectable()
export class KeapCallsPerConversation {
  private readonly key: string;

  constructor(
    @Inject(KEAP_TALLY_REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly conversations: ConversationRepository,
    histogram: KeapCallsHistogram,
  ) {
    this.key = `${config.REDIS_KEY_PREFIX}${loadKeapBudgetConfig(config).keyPrefix}:per-conversation`;
    histogram.readFrom(() => this.distributions());
  }

  /**
   * Observes the conversation if it has ended and no Keap work of it is pending. Call it after
   * each piece of its Keap work is done (its row committed as done) and where it ends: whichever
   * call comes last sees everything done. Never throws (metrics must not fail the work).
   */
  async observeIfDone(conversationId: string, m?: EntityManager): Promise<void> {
    try {
      const calls = await this.conversations.keapCallsOnceDone(conversationId, KEAP_WORK, m);
      if (!calls) return;
      const first = await this.redis.set(
        `${this.key}:seen:${conversationId}`,
        '1',
        'EX',
        OBSERVED_TTL_SECONDS,
        'NX',
      );
      if (first !== 'OK') return;
      const { reads, writes } = readsAndWrites(calls);
      const values: [string, number][] = [
        ...KEAP_CALL_KINDS.map((k): [string, number] => [k, calls[k] ?? 0]),
        ['read', reads],
        ['write', writes],
      ];
      const tx = this.redis.multi();
      for (const [kind, n] of values) {
        tx.hincrby(this.key, `${kind}|${Math.min(n, MAX_KEPT)}`, 1);
        tx.hincrby(this.key, `${kind}|sum`, n);
      }
      await tx.exec();
    } catch {
      // The histogram misses one conversation; the work it measured is unaffected.
    }
  }

  async distributions(): Promise<KeapCallsDistribution[]> {
    const raw = await this.redis.hgetall(this.key);
    const byKind = new Map<string, KeapCallsDistribution>();
    for (const [field, value] of Object.entries(raw)) {
      const sep = field.lastIndexOf('|');
      const kind = field.slice(0, sep);
      const what = field.slice(sep + 1);
      let d = byKind.get(kind);
      if (!d) byKind.set(kind, (d = { kind, counts: new Map(), sum: 0 }));
      if (what === 'sum') d.sum = Number(value);
      else d.counts.set(Number(what), Number(value));
    }
    return [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  }
}
