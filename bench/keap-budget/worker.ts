/**
 * One worker process of the Keap budget bench. It runs its accounts' conversations through the
 * runtime's own Keap side: `KeapCrmProvider` (the real KeapClient options, retries, the Redis
 * account cache for the field model and note user) gated by its own `RedisKeapBudget`, making
 * the calls the runtime's jobs make, in their order and priorities: the HTTP-Post start reads the
 * contact (ToolStartService), each reply saves the answer and the matched condition applies a tag
 * (CrmEffectProcessor; background once the conversation has ended), and the end writes the
 * transcript to the contact's note (NoteWriter: created by the contact's first conversation,
 * appended to by later ones). Calls are counted per conversation by the provider's own `onCall`,
 * as the runtime counts them. Spawned by run.ts; not meant to be run by hand.
 */
import 'reflect-metadata';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../apps/api/src/config/config';
import type { Crm, CrmPriority } from '../../apps/api/src/ports/crm.port';
import { RedisKeapAccountCache } from '../../apps/api/src/keap/keap-account-cache';
import { KeapCrmProvider } from '../../apps/api/src/keap/crm/keap-crm';
import { KeapClientFactory } from '../../apps/api/src/keap/auth/keap-client.factory';
import type { KeapTokensService } from '../../apps/api/src/keap/auth/keap-tokens.service';
import type { KeapBudgetConfig } from '../../apps/api/src/config/keap-budget.config';
import { directionOf } from '../../apps/api/src/keap/budget/keap-call-kinds';
import { RedisKeapBudget } from '../../apps/api/src/keap/budget/redis-keap-budget';
import { transcript, transcriptMarker } from '../../apps/api/src/crm-effects/note-writer';

export interface WorkerInput {
  redisUrl: string;
  keyPrefix: string;
  config: KeapBudgetConfig;
  /** The sandbox's server, e.g. http://127.0.0.1:1234/crm */
  keapBaseUrl: string;
  seed: number;
  accounts: {
    accountId: string;
    token: string;
    tagId: number;
    /** Each contact's conversations, one after the other (a phone is in one conversation at a time). */
    contacts: { contactId: number; conversations: number }[];
  }[];
}

/** Per-conversation targets the product must meet; a conversation over one is a violation. */
export interface Violation {
  accountId: string;
  what: string;
}

export interface AccountResult {
  accountId: string;
  conversations: number;
  failed: number;
  errors: string[];
  /** ms after the start signal when the account's last conversation finished (its note written). */
  finishedAfterMs: number;
  /** ms after the start when the account's conversation work (everything but notes) was done. */
  conversationsDoneAfterMs: number;
  /** Keap calls by kind, as the runtime tallies them (retries included). */
  calls: Record<string, number>;
  replies: number;
  violations: Violation[];
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

/** What the start's reads are: the contact once per conversation (model and note user: per account). */
const PER_ACCOUNT_READS = ['contacts.model', 'oauth.userinfo'];

async function main(): Promise<void> {
  const input = JSON.parse(process.env.BENCH_WORKER_INPUT ?? '{}') as WorkerInput;
  // The bench was stopped: do not go on calling a sandbox that is gone.
  process.on('disconnect', () => process.exit(1));
  const redis = new Redis(input.redisUrl);
  const budget = new RedisKeapBudget(redis, { keyPrefix: input.keyPrefix, config: input.config });
  const tokens = new Map(input.accounts.map((a) => [a.accountId, a.token]));
  const tokenService = {
    accessTokenFor: async (accountId: string) => tokens.get(accountId) ?? '',
    refreshAfterUnauthorized: async (accountId: string) => tokens.get(accountId) ?? '',
  } as unknown as KeapTokensService;
  // The bench's own key space in Redis (the account cache lives under REDIS_KEY_PREFIX).
  const config = {
    KEAP_API_URL: input.keapBaseUrl,
    REDIS_KEY_PREFIX: `${input.keyPrefix}:app:`,
  } as AppConfig;
  // As the app's REDIS client: ioredis prefixes every key with REDIS_KEY_PREFIX.
  const appRedis = new Redis(input.redisUrl, { keyPrefix: config.REDIS_KEY_PREFIX });
  // As KeapBudgetModule binds them: the one budget as gate, the account cache over the app's REDIS.
  const accountCache = new RedisKeapAccountCache(appRedis, '');
  const provider = new KeapCrmProvider(
    new KeapClientFactory(tokenService, config, budget, accountCache),
    accountCache,
  );
  await redis.ping();
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  process.stdin.pause();
  const start = Date.now();

  const results = await Promise.all(
    input.accounts.map(async (account, accountIndex): Promise<AccountResult> => {
      const result: AccountResult = {
        accountId: account.accountId,
        conversations: 0,
        failed: 0,
        errors: [],
        finishedAfterMs: 0,
        conversationsDoneAfterMs: 0,
        calls: {},
        replies: 0,
        violations: [],
      };
      const rnd = random(input.seed * 1000 + accountIndex);
      let counter = 0;

      /** One conversation, job by job as the runtime runs it; answers the note id. */
      const converse = async (contactId: number, noteId: string | null): Promise<string | null> => {
        const n = counter++;
        const id = `${account.accountId}-c${n}`;
        const tally: Record<string, number> = {};
        // Each job gets its own Crm, as each queue job does.
        const crm = (priority: CrmPriority): Promise<Crm> =>
          provider.crmFor(account.accountId, {
            priority,
            onCall: (kind) => (tally[kind] = (tally[kind] ?? 0) + 1),
          });
        const startedAt = new Date();
        const messages: { direction: 'in' | 'out'; body: string; createdAt: Date }[] = [];
        try {
          // ToolStartService.perform: the contact, once, before the first text.
          const contact = await (await crm('interactive')).readContact(contactId);
          if (!contact) throw new Error(`no contact ${contactId}`);
          const replies = 1 + Math.floor(rnd() * 3); // 1-3 replies
          const tagged = rnd() < 0.5; // the last answer matches a condition with a tag
          result.replies += replies;
          for (let r = 0; r < replies; r++) {
            const last = r === replies - 1;
            messages.push({ direction: 'out', body: `Question ${r + 1}?`, createdAt: new Date() });
            messages.push({ direction: 'in', body: `Answer ${r + 1}`, createdAt: new Date() });
            // The last answer ends the conversation: its effects go behind conversation work.
            const priority: CrmPriority = last ? 'background' : 'interactive';
            await (await crm(priority)).saveField(contactId, 'Nickname', `Answer ${r + 1}`);
            if (last && tagged) await (await crm(priority)).applyTag(contactId, account.tagId);
          }
          result.conversationsDoneAfterMs = Math.max(
            result.conversationsDoneAfterMs,
            Date.now() - start,
          );
          // NoteWriter.run: one note per contact, the transcript marked with the conversation.
          const text = transcript({ id, startedAt }, messages);
          const notes = await crm('background');
          let written = noteId;
          if (written === null)
            written = await notes.createNote(contactId, 'SMS: Bench', text, {
              marker: transcriptMarker(id),
              maybeWritten: false,
            });
          else await notes.appendToNote(contactId, written, text, { marker: transcriptMarker(id) });
          check(tally, replies, n);
          return written;
        } catch (err) {
          result.failed += 1;
          if (result.errors.length < 3) result.errors.push(String(err));
          return noteId;
        } finally {
          result.conversations += 1;
          for (const [kind, k] of Object.entries(tally))
            result.calls[kind] = (result.calls[kind] ?? 0) + k;
        }
      };

      /** The targets, on the product's own tally of this conversation. */
      const check = (tally: Record<string, number>, replies: number, n: number): void => {
        let reads = 0;
        let writes = 0;
        for (const [kind, k] of Object.entries(tally)) {
          if (PER_ACCOUNT_READS.includes(kind) || kind.startsWith('notes.')) continue;
          if (directionOf(kind) === 'read') reads += k;
          else writes += k;
        }
        const noteCalls = (tally['notes.create'] ?? 0) + (tally['notes.update'] ?? 0);
        const where = `conversation ${n}`;
        if (reads > 1)
          result.violations.push({
            accountId: account.accountId,
            what: `${where}: ${reads} reads at its start (target ≤ 1)`,
          });
        if (writes > 2 * replies)
          result.violations.push({
            accountId: account.accountId,
            what: `${where}: ${writes} writes for ${replies} replies (target ≤ 2 per reply)`,
          });
        if (noteCalls > 1)
          result.violations.push({
            accountId: account.accountId,
            what: `${where}: ${noteCalls} note writes (target 1)`,
          });
      };

      await Promise.all(
        account.contacts.map(async ({ contactId, conversations }) => {
          let noteId: string | null = null;
          for (let i = 0; i < conversations; i++) noteId = await converse(contactId, noteId);
        }),
      );
      // Nothing fetched twice: the field model and the note user once per account.
      for (const kind of PER_ACCOUNT_READS)
        if ((result.calls[kind] ?? 0) > 1)
          result.violations.push({
            accountId: account.accountId,
            what: `${kind} read ${result.calls[kind]} times (target: once per account)`,
          });
      result.finishedAfterMs = Date.now() - start;
      return result;
    }),
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
  await budget.close();
  redis.disconnect();
  appRedis.disconnect();
  // Our own disconnect is no reason to fail (the handler above is for the bench going away).
  process.removeAllListeners('disconnect');
  process.disconnect?.();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
