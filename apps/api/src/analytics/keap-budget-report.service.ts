import { Injectable } from '@nestjs/common';
import { ConversationRepository } from '../conversations/conversation.repository';
import { directionOf } from '../keap/budget/keap-call-kinds';
import {
  RedisKeapBudget,
  type KeapBudgetWindowReport,
  type KeapFairDayReport,
} from '../keap/budget/redis-keap-budget';

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
  /**
   * The fair day: whether Keap's day quota for all apps is projected to run out before 00:00 UTC,
   * this account's fair share of it, and whether its campaign starts are being paced now.
   */
  fairDay: AccountFairDay;
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

export interface AccountFairDay {
  /** The app's calls today projected to 00:00 UTC exceed the day limit. */
  pressure: boolean;
  /** Calls all accounts are projected to make today (used so far + the recent rate to midnight). */
  projectedToday: number;
  /** The day limit all accounts share. */
  dayLimit: number;
  /** Under pressure, the most calls this account is entitled to today (max-min fair); null without pressure. */
  share: number | null;
  /** What is left of that share: its part of the day's remainder (null without pressure). */
  shareLeft: number | null;
  /** This account's Keap calls today. */
  usedToday: number;
  /** Its campaign starts are held back now (it has used its share). */
  paced: boolean;
  /** Its campaign starts waiting for Keap budget now. */
  startsWaiting: number;
  /** The above in one or two sentences for the marketer. */
  summary: string;
}

const round = (n: number): number => Math.round(n * 100) / 100;
const calls = (n: number): string => Math.round(n).toLocaleString('en-US');

/** This account's side of the fair day, with the sentence the console shows. */
export function accountFairDay(fair: KeapFairDayReport): AccountFairDay {
  const own = fair.account ?? { usedToday: 0, projected: 0, paced: false, startsWaiting: 0 };
  const share = fair.pressure ? fair.share : null;
  const paced = fair.pressure && own.paced;
  const base = {
    pressure: fair.pressure,
    projectedToday: fair.projected,
    dayLimit: fair.limit,
    share,
    shareLeft: share === null ? null : Math.max(0, share - own.usedToday),
    usedToday: own.usedToday,
    paced,
    startsWaiting: own.startsWaiting,
  };
  let summary: string;
  if (!fair.pressure) {
    summary = `At today’s pace, all apps together will use about ${calls(fair.projected)} of Keap’s ${calls(fair.limit)} calls for the day, so nothing is paced.`;
  } else if (paced) {
    const used = `${calls(own.usedToday)} of ${calls(share ?? 0)} calls today`;
    const waiting =
      own.startsWaiting > 0
        ? ` ${calls(own.startsWaiting)} campaign start${own.startsWaiting === 1 ? ' is' : 's are'} waiting; none are lost.`
        : '';
    summary = `Keap’s daily limit for all apps is expected to run out before midnight UTC and your account has used its fair share of it (${used}), so your campaign starts are paced: they go out only as the day’s limit allows. Replies in running conversations are not slowed.${waiting}`;
  } else {
    const within =
      share === null
        ? 'every account is within its fair share'
        : `your account is within its fair share (${calls(own.usedToday)} of ${calls(share)} calls used today)`;
    summary = `Keap’s daily limit for all apps is expected to run out before midnight UTC, but ${within}, so nothing of yours is slowed.`;
  }
  return { ...base, summary };
}

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
      fairDay: accountFairDay(report.fairDay),
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
