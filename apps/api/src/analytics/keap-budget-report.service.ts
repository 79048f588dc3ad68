import { Injectable } from '@nestjs/common';
import { ConversationRepository } from '../conversations/conversation.repository';
import { directionOf } from '../keap/budget/keap-call-kinds';
import { RedisKeapBudget, type KeapBudgetWindowReport } from '../keap/budget/redis-keap-budget';

export interface CallsPerConversation {
  average: number;
  max: number;
}

/** What the console shows one signed-in account: the app-wide budget left and its own spending, never another account's. */
export interface AccountKeapBudgetReport {
  at: string;
  /** The budget all installed accounts share (Keap counts per OAuth app). */
  app: {
    second: KeapBudgetWindowReport;
    minute: KeapBudgetWindowReport;
    day: KeapBudgetWindowReport;
    /** > 0 while every process holds back after a 429 from Keap. */
    pausedForMs: number;
    /** Calls queued for budget right now, all accounts together. */
    waiting: { interactive: number; background: number };
  };
  /** This account (its Keap tenant): calls granted today by kind, and its tenant budget left. */
  account: {
    calls: Record<string, number>;
    total: number;
    throttled: number;
    minute: KeapBudgetWindowReport;
    day: KeapBudgetWindowReport;
  };
  /** Keap calls per conversation over this account's last `window` conversations (by start). */
  perConversation: {
    window: number;
    conversations: number;
    total: CallsPerConversation;
    reads: CallsPerConversation;
    writes: CallsPerConversation;
    byKind: Record<string, CallsPerConversation>;
  };
}

const round = (n: number): number => Math.round(n * 100) / 100;

/** Joins the shared budget's live state with the runtime's per-conversation call tally (conversations.keap_calls). */
@Injectable()
export class KeapBudgetReportService {
  constructor(
    private readonly budget: RedisKeapBudget,
    private readonly conversations: ConversationRepository,
  ) {}

  async forAccount(accountId: string, window: number): Promise<AccountKeapBudgetReport> {
    const [report, tallies] = await Promise.all([
      this.budget.getReport({ accountId }),
      this.conversations.latestKeapCalls(accountId, window),
    ]);
    const own = report.accounts.find((a) => a.accountId === accountId);
    return {
      at: report.at,
      app: {
        second: report.second,
        minute: report.minute,
        day: report.day,
        pausedForMs: report.pausedForMs,
        waiting: report.waiting,
      },
      account: {
        calls: own?.calls ?? {},
        total: own?.total ?? 0,
        throttled: own?.throttled ?? 0,
        minute: own?.minute ?? {
          limit: this.budget.config.tenantPerMinute,
          used: 0,
          left: this.budget.config.tenantPerMinute,
        },
        day: own?.day ?? {
          limit: this.budget.config.tenantPerDay,
          used: 0,
          left: this.budget.config.tenantPerDay,
        },
      },
      perConversation: { window, ...perConversation(tallies) },
    };
  }
}

/** Average (over all the conversations, a conversation without a kind counting 0) and max, per kind and in total. */
export function perConversation(
  tallies: Partial<Record<string, number>>[],
): Omit<AccountKeapBudgetReport['perConversation'], 'window'> {
  const sums = new Map<string, { sum: number; max: number }>();
  const add = (key: string, n: number): void => {
    const s = sums.get(key) ?? { sum: 0, max: 0 };
    s.sum += n;
    s.max = Math.max(s.max, n);
    sums.set(key, s);
  };
  const byKindKeys = new Set<string>();
  for (const tally of tallies) {
    let total = 0;
    let reads = 0;
    let writes = 0;
    for (const [kind, n] of Object.entries(tally)) {
      if (!n) continue;
      byKindKeys.add(kind);
      add(`kind:${kind}`, n);
      total += n;
      if (directionOf(kind) === 'read') reads += n;
      else writes += n;
    }
    add('total', total);
    add('reads', reads);
    add('writes', writes);
  }
  const count = tallies.length;
  const stat = (key: string): CallsPerConversation => {
    const s = sums.get(key);
    return { average: s && count > 0 ? round(s.sum / count) : 0, max: s?.max ?? 0 };
  };
  const byKind: Record<string, CallsPerConversation> = {};
  for (const kind of [...byKindKeys].sort()) byKind[kind] = stat(`kind:${kind}`);
  return {
    conversations: count,
    total: stat('total'),
    reads: stat('reads'),
    writes: stat('writes'),
    byKind,
  };
}
