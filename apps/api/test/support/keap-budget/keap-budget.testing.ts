import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  DEFAULT_KEAP_BUDGET_CONFIG,
  type KeapBudgetConfig,
} from '../../../src/config/keap-budget.config';
import { type KeapBudgetCall, RedisKeapBudget } from '../../../src/keap/budget/redis-keap-budget';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A budget config for tests: tiny limits, short windows, so a test runs in about a second. */
export function aBudgetConfig(overrides: Partial<KeapBudgetConfig> = {}): KeapBudgetConfig {
  return {
    ...DEFAULT_KEAP_BUDGET_CONFIG,
    perSecond: 1000,
    perMinute: 1000,
    perDay: 100_000,
    tenantPerMinute: 1000,
    tenantPerDay: 100_000,
    secondMs: 100,
    minuteMs: 1000,
    guardMs: 5,
    leaseMs: 2000,
    pollMs: 100,
    defaultBackoffMs: 300,
    maxBackoffMs: 5000,
    // Most limiter tests acquire without ever answering the call (there is no Keap behind them):
    // count a grant from the moment it is given. The in-flight tests set this themselves.
    maxInFlightMs: 0,
    ...overrides,
  };
}

export function aKeyPrefix(): string {
  return `test:keap-budget:${randomUUID()}`;
}

export function aCall(accountId: string, overrides: Partial<KeapBudgetCall> = {}): KeapBudgetCall {
  return { accountId, priority: 'interactive', kind: 'contacts.get', ...overrides };
}

/** Budgets sharing one prefix (as separate processes would), each with its own connection; cleaned up by `close`. */
export class BudgetHarness {
  readonly prefix = aKeyPrefix();
  private readonly clients: Redis[] = [];
  private readonly budgets: RedisKeapBudget[] = [];

  budget(config: KeapBudgetConfig): RedisKeapBudget {
    const redis = new Redis(REDIS_URL);
    this.clients.push(redis);
    const budget = new RedisKeapBudget(redis, { keyPrefix: this.prefix, config });
    this.budgets.push(budget);
    return budget;
  }

  redis(): Redis {
    const redis = new Redis(REDIS_URL);
    this.clients.push(redis);
    return redis;
  }

  async close(): Promise<void> {
    await Promise.all(this.budgets.map((b) => b.close()));
    const cleaner = this.clients[0] ?? new Redis(REDIS_URL);
    const keys = await cleaner.keys(`${this.prefix}:*`);
    if (keys.length > 0) await cleaner.del(...keys);
    if (!this.clients.includes(cleaner)) cleaner.disconnect();
    for (const c of this.clients) c.disconnect();
  }
}

/** Waits for `check` to hold, polling; fails with `what` after the deadline. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The most events that fall in any interval of `windowMs` (sliding over the sorted times). */
export function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** Jain's fairness index of per-account throughputs: 1 = perfectly even, 1/n = one takes all. */
export function jainIndex(values: number[]): number {
  const sum = values.reduce((a, b) => a + b, 0);
  const squares = values.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (values.length * squares);
}
