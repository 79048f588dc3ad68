/**
 * A separate process sharing the Keap budget (spawned by the multi-process tests with tsx): it
 * takes its jobs from BUDGET_CHILD_INPUT, runs them all at once through its own RedisKeapBudget
 * on its own Redis connection, and prints one JSON line with what happened to each call.
 */
import { Redis } from 'ioredis';
import type { KeapBudgetConfig } from '../../../src/config/keap-budget.config';
import type { KeapCallPriority } from '../../../src/keap/budget/keap-request-gate';
import { RedisKeapBudget } from '../../../src/keap/budget/redis-keap-budget';
import { callKeapThroughGate } from './keap-http-caller';

export interface BudgetChildInput {
  redisUrl: string;
  keyPrefix: string;
  config: KeapBudgetConfig;
  jobs: { accountId: string; count: number; priority: KeapCallPriority; kind: string }[];
  /** When set, each granted call is a real GET to the Keap sandbox with the account's token. */
  keap?: { baseUrl: string; tokens: Record<string, string> };
}

export interface BudgetChildResult {
  accountId: string;
  ok: boolean;
  grantedAt: number;
  status?: number;
  throttled?: number;
  error?: string;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.BUDGET_CHILD_INPUT ?? '{}') as BudgetChildInput;
  const redis = new Redis(input.redisUrl);
  const budget = new RedisKeapBudget(redis, { keyPrefix: input.keyPrefix, config: input.config });
  await redis.ping();
  // Warm up: Node's first fetch loads undici and opens a connection (tens of ms); a cold first call
  // would reach Keap late, in the next window, on top of that window's own calls.
  if (input.keap) await (await fetch(`${input.keap.baseUrl}/health`)).arrayBuffer();
  // Ready: wait for the parent's "go" on stdin, so that every child's burst queues together.
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  process.stdin.pause();
  const calls: Promise<BudgetChildResult>[] = [];
  for (const job of input.jobs) {
    for (let i = 0; i < job.count; i++) {
      const ctx = { accountId: job.accountId, priority: job.priority, kind: job.kind };
      calls.push(
        (async (): Promise<BudgetChildResult> => {
          try {
            if (!input.keap) {
              await budget.acquire(ctx);
              return { accountId: job.accountId, ok: true, grantedAt: Date.now() };
            }
            const token = input.keap.tokens[job.accountId] ?? '';
            const out = await callKeapThroughGate(
              budget,
              { baseUrl: input.keap.baseUrl, token },
              ctx,
              { method: 'GET', path: '/contacts' },
            );
            return {
              accountId: job.accountId,
              ok: out.status === 200,
              grantedAt: out.grantedAt,
              status: out.status,
              throttled: out.throttled,
            };
          } catch (err) {
            return {
              accountId: job.accountId,
              ok: false,
              grantedAt: Date.now(),
              error: (err as Error).name,
            };
          }
        })(),
      );
    }
  }
  const results = await Promise.all(calls);
  process.stdout.write(`${JSON.stringify(results)}\n`);
  await budget.close();
  redis.disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
