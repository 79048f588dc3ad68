/**
 * One worker process of the Keap budget bench: runs its accounts' conversations through a
 * KeapClient per account and priority, all gated by its own RedisKeapBudget (own Redis
 * connection), and prints a JSON summary. Spawned by run.ts; not meant to be run by hand.
 */
import { Redis } from 'ioredis';
import { KeapClient, type KeapCallRecord } from '../../packages/crm-keap/src';
import { RedisKeapBudget } from '../../apps/api/src/keap-budget/redis-keap-budget';
import type { KeapBudgetConfig } from '../../apps/api/src/keap-budget/keap-budget.config';

export interface WorkerInput {
  redisUrl: string;
  keyPrefix: string;
  config: KeapBudgetConfig;
  /** The sandbox's server, e.g. http://127.0.0.1:1234/crm */
  keapBaseUrl: string;
  seed: number;
  accounts: { accountId: string; token: string; contactId: string; conversations: number }[];
}

export interface AccountResult {
  accountId: string;
  conversations: number;
  failed: number;
  /** ms after the start signal when the account's last conversation finished (its note written). */
  finishedAfterMs: number;
  /** ms after the start when the account's conversation work (everything but notes) was done. */
  conversationsDoneAfterMs: number;
  calls: Record<string, number>;
  throttled: number;
  /** Conversation model: replies and writes actually drawn. */
  replies: number;
  writes: number;
}

/** Small deterministic PRNG (mulberry32): the same seed gives the same conversations. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.BENCH_WORKER_INPUT ?? '{}') as WorkerInput;
  // The bench was stopped: do not go on calling a sandbox that is gone.
  process.on('disconnect', () => process.exit(1));
  const redis = new Redis(input.redisUrl);
  const budget = new RedisKeapBudget(redis, { keyPrefix: input.keyPrefix, config: input.config });
  await redis.ping();
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  process.stdin.pause();
  const start = Date.now();

  const results = await Promise.all(
    input.accounts.map(async (account, accountIndex): Promise<AccountResult> => {
      const result: AccountResult = {
        accountId: account.accountId,
        conversations: account.conversations,
        failed: 0,
        finishedAfterMs: 0,
        conversationsDoneAfterMs: 0,
        calls: {},
        throttled: 0,
        replies: 0,
        writes: 0,
      };
      const onCall = (call: KeapCallRecord) => {
        result.calls[call.kind] = (result.calls[call.kind] ?? 0) + 1;
        if (call.status === 429) result.throttled += 1;
      };
      const client = (priority: 'interactive' | 'background') =>
        new KeapClient({
          baseUrl: input.keapBaseUrl,
          accountId: account.accountId,
          priority,
          noteUserId: '1',
          accessToken: async () => account.token,
          gate: budget,
          onCall,
          retry: { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 2000 },
          timeoutMs: 120_000,
        });
      // As the runtime does: conversation work interactive, notes on finished ones background.
      const interactive = client('interactive');
      const background = client('background');
      const rnd = random(input.seed * 1000 + accountIndex);
      await Promise.all(
        Array.from({ length: account.conversations }, async (_, i) => {
          try {
            await interactive.getContact(account.contactId); // 1 read at the start, kept with the conversation
            const replies = 1 + Math.floor(rnd() * 3); // 1-3 replies
            result.replies += replies;
            for (let r = 0; r < replies; r++) {
              const writes = Math.floor(rnd() * 3); // 0-2 field saves per reply
              result.writes += writes;
              for (let w = 0; w < writes; w++)
                await interactive.updateContact(account.contactId, { given_name: `Pat${i % 10}` });
            }
            result.conversationsDoneAfterMs = Math.max(
              result.conversationsDoneAfterMs,
              Date.now() - start,
            );
            await background.createNote(account.contactId, {
              title: 'SMS conversation',
              text: `Conversation ${i} finished.`,
            });
          } catch {
            result.failed += 1;
          }
        }),
      );
      result.finishedAfterMs = Date.now() - start;
      return result;
    }),
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
  await budget.close();
  redis.disconnect();
  // Our own disconnect is no reason to fail (the handler above is for the bench going away).
  process.removeAllListeners('disconnect');
  process.disconnect?.();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
