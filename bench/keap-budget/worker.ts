/**
 * One worker process of the Keap budget bench. It runs its accounts' conversations through the
 * runtime's own Keap side: `KeapCrmProvider` (the real KeapClient options, retries, the Redis
 * account cache for the field model and note user, its batched contact reads and tag applies)
 * gated by its own `RedisKeapBudget`, making the calls the runtime's jobs make, in their order,
 * priorities and kinds of work: the HTTP-Post start reads the contact (ToolStartService, marked
 * `start` as the queue worker marks it: batched with the account's other reads), each reply's
 * answer waits as a pending field save (FieldSaves: the conversation's pending saves go as ONE
 * contact update before its tag, at its end, or once the first has waited the maximum delay),
 * the matched condition applies a tag (CrmEffectProcessor through the batched `applyTag`;
 * background once the conversation has ended), and the end writes the transcript to the
 * contact's note (NoteWriter, marked `note`: at its turn in the budget, `crmAtTurn`, the job
 * writes every transcript of the contact waiting by then in one call, creating the note or
 * appending to it; a job whose transcript went with another's writes nothing; while the
 * contact is in its next conversation, the note waits for that one's end, at most the hold).
 * FieldSaves itself
 * keeps its pending saves in the outbox (the database); the bench keeps them in memory with the
 * same flush rule. Calls are counted per
 * conversation by the provider's own `onCall`, as the runtime counts them (a batched call on one
 * of the conversations it served). Spawned by run.ts; not meant to be run by hand.
 */
import 'reflect-metadata';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../apps/api/src/config/config';
import type { Crm, CrmPriority, NotePart } from '../../apps/api/src/ports/crm.port';
import { RedisKeapAccountCache } from '../../apps/api/src/keap/keap-account-cache';
import { KeapCrmProvider } from '../../apps/api/src/keap/crm/keap-crm';
import { KeapClientFactory } from '../../apps/api/src/keap/auth/keap-client.factory';
import type { KeapTokensService } from '../../apps/api/src/keap/auth/keap-tokens.service';
import type { KeapBudgetConfig } from '../../apps/api/src/config/keap-budget.config';
import { directionOf } from '../../apps/api/src/keap/budget/keap-call-kinds';
import { RedisKeapBudget } from '../../apps/api/src/keap/budget/redis-keap-budget';
import { runAsKeapWork } from '../../apps/api/src/keap/budget/keap-work';
import { transcript, transcriptMarker } from '../../apps/api/src/crm-effects/note-writer';

export interface WorkerInput {
  redisUrl: string;
  keyPrefix: string;
  config: KeapBudgetConfig;
  /** The sandbox's server, e.g. http://127.0.0.1:1234/crm */
  keapBaseUrl: string;
  seed: number;
  /** `burst`: replies follow at once; `think`: each 5-60 Keap seconds after the text it answers. */
  mix: 'burst' | 'think';
  /** One Keap second in real ms (1000 / time scale). */
  keapSecondMs: number;
  /** The runtime's windows and delays, in real ms (scaled like the budget). */
  readBatchWindowMs: number;
  tagBatchWindowMs: number;
  fieldSaveMaxDelayMs: number;
  /** NOTE_HOLD_MAX_MS in the bench's time. */
  noteHoldMaxMs: number;
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
  /** Conversations cut off by the stop signal (the real-time run's end), not failures. */
  cut: number;
  errors: string[];
  /** ms after the start signal when the account's last conversation finished (its note written). */
  finishedAfterMs: number;
  /** ms after the start when the account's conversation work (everything but notes) was done. */
  conversationsDoneAfterMs: number;
  /** Keap calls by kind, as the runtime tallies them (retries included). */
  calls: Record<string, number>;
  replies: number;
  /** Field-save flushes the policy asked for (before a tag, at the end, at the maximum delay). */
  flushes: number;
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
    // The app's defaults (200 ms each), in the bench's time: the reads of an account's starts
    // and the applies of one tag within the window share one Keap call.
    KEAP_READ_BATCH_WINDOW_MS: input.readBatchWindowMs,
    KEAP_TAG_BATCH_WINDOW_MS: input.tagBatchWindowMs,
  } as AppConfig;
  // As the app's REDIS client: ioredis prefixes every key with REDIS_KEY_PREFIX.
  const appRedis = new Redis(input.redisUrl, { keyPrefix: config.REDIS_KEY_PREFIX });
  // As KeapBudgetModule binds them: the one budget as gate, the account cache over the app's REDIS.
  const accountCache = new RedisKeapAccountCache(appRedis, '');
  const provider = new KeapCrmProvider(
    new KeapClientFactory(tokenService, config, budget, accountCache),
    accountCache,
    config,
    budget,
  );
  await redis.ping();
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const start = Date.now();
  // "stop" (the real-time run's end): the calls still waiting for budget are dropped, and the
  // conversations they belonged to count as cut off, not failed.
  let stopped = false;
  let stop!: () => void;
  const stopping = new Promise<void>((resolve) => (stop = resolve));
  process.stdin.on('data', (d: Buffer) => {
    if (!d.toString().includes('stop') || stopped) return;
    stopped = true;
    stop();
    void budget.close();
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const results = await Promise.all(
    input.accounts.map(async (account, accountIndex): Promise<AccountResult> => {
      const result: AccountResult = {
        accountId: account.accountId,
        conversations: 0,
        failed: 0,
        cut: 0,
        errors: [],
        finishedAfterMs: 0,
        conversationsDoneAfterMs: 0,
        calls: {},
        replies: 0,
        flushes: 0,
        violations: [],
      };
      const rnd = random(input.seed * 1000 + accountIndex);
      let counter = 0;

      /**
       * A contact's note as the runtime keeps it (the contact_notes row): Keap's id once created,
       * the transcripts of its ended conversations not written yet (their write_note rows), and
       * the note job holding the row (one write at a time per contact, the row lock).
       */
      interface ContactNote {
        noteId: string | null;
        waiting: Map<string, NotePart & { startedAt: Date }>;
        held: Promise<unknown>;
      }

      /**
       * NoteWriter.run for the conversation whose transcript carries `marker`: nothing when it
       * went with another's; else, at its turn in the budget, every transcript waiting then in
       * one create or append.
       */
      const writeNote = (
        contactId: number,
        note: ContactNote,
        marker: string,
        onCall: (kind: string) => void,
      ): Promise<void> => {
        const write = async (): Promise<void> => {
          if (!note.waiting.has(marker)) return;
          await runAsKeapWork('note', () =>
            provider.crmAtTurn(
              account.accountId,
              { priority: 'background', onCall },
              note.noteId === null ? 'createNote' : 'appendToNote',
              async (crm) => {
                const taken = [...note.waiting.values()].sort(
                  (a, b) => a.startedAt.getTime() - b.startedAt.getTime(),
                );
                // None (cannot happen while the row is held): the turn is given back.
                if (taken.length === 0) return;
                const parts = taken.map((t) => ({ text: t.text, marker: t.marker }));
                if (note.noteId === null)
                  note.noteId = await crm.createNote(contactId, 'SMS: Bench', parts, {
                    maybeWritten: false,
                  });
                else await crm.appendToNote(contactId, note.noteId, parts);
                for (const t of taken) note.waiting.delete(t.marker);
              },
            ),
          );
        };
        const done = note.held.then(write);
        note.held = done.catch(() => undefined);
        return done;
      };

      /**
       * One conversation, job by job as the runtime runs it. `onEnded` is told when its
       * conversation work is done: the contact's next conversation may start then, as in the
       * runtime, where the note is written after the end by its own job.
       */
      const converse = async (
        contactId: number,
        note: ContactNote,
        onEnded: () => void,
        nextEnded: Promise<void> | null,
      ): Promise<void> => {
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
        // FieldSaves: the answers wait as pending saves, and go as one update when flushed.
        let pending: Record<string, string> = {};
        let dueTimer: NodeJS.Timeout | undefined;
        let flushing: Promise<void> = Promise.resolve();
        let flushes = 0;
        let ended = false;
        const flush = (): Promise<void> => {
          clearTimeout(dueTimer);
          dueTimer = undefined;
          const fields = pending;
          pending = {};
          if (Object.keys(fields).length === 0) return flushing;
          flushes += 1;
          // One flush at a time per conversation (FieldSaves' lock): a later value never lands first.
          flushing = flushing.then(async () =>
            runAsKeapWork('conversation', async () =>
              (await crm(ended ? 'background' : 'interactive')).saveFields(contactId, fields),
            ),
          );
          return flushing;
        };
        let dueFailure: unknown = null;
        // Drawn up front, so that the same seed gives the same conversations whatever the timing.
        const replies = 1 + Math.floor(rnd() * 3); // 1-3 replies
        const tagged = rnd() < 0.5; // the last answer matches a condition with a tag
        const thinkMs = Array.from({ length: replies }, () =>
          input.mix === 'think' ? (5 + rnd() * 55) * input.keapSecondMs : 0,
        );
        try {
          // ToolStartService.perform, a campaign start: the contact, once, before the first text.
          const contact = await runAsKeapWork('start', async () =>
            (await crm('interactive')).readContact(contactId),
          );
          if (!contact) throw new Error(`no contact ${contactId}`);
          result.replies += replies;
          for (let r = 0; r < replies; r++) {
            const last = r === replies - 1;
            messages.push({ direction: 'out', body: `Question ${r + 1}?`, createdAt: new Date() });
            // Think time: the contact answers 5-60 Keap seconds after the text.
            const think = thinkMs[r] ?? 0;
            if (think > 0) await sleep(think);
            if (dueFailure !== null) throw dueFailure;
            messages.push({ direction: 'in', body: `Answer ${r + 1}`, createdAt: new Date() });
            pending.Nickname = `Answer ${r + 1}`;
            // The first save waiting sets when the pending ones come due (FIELD_SAVE_MAX_DELAY_MS).
            dueTimer ??= setTimeout(() => {
              flush().catch((err: unknown) => (dueFailure = err));
            }, input.fieldSaveMaxDelayMs);
            if (last) {
              // The last answer ends the conversation: its effects go behind conversation work.
              ended = true;
              // The saves land before the tag (a Keap campaign the tag starts reads them) ...
              await flush();
              if (tagged)
                await runAsKeapWork('conversation', async () =>
                  (await crm('background')).applyTag(contactId, account.tagId),
                );
              // ... and at the end (nothing left here: the flush before the tag took them all).
              await flush();
            }
          }
          result.conversationsDoneAfterMs = Math.max(
            result.conversationsDoneAfterMs,
            Date.now() - start,
          );
          // The end queues the note (its write_note row): the transcript waits for the note.
          const marker = transcriptMarker(id);
          note.waiting.set(marker, {
            text: transcript({ id, startedAt }, messages),
            marker,
            startedAt,
          });
          onEnded();
          // NoteWriter's hold: the contact is in the tool again (its next conversation starts
          // now), so the note waits for that one's end (whose job writes both), at most the hold.
          if (nextEnded) {
            let timer: NodeJS.Timeout | undefined;
            const holdOver = new Promise(
              (resolve) => (timer = setTimeout(resolve, input.noteHoldMaxMs)),
            );
            await Promise.race([nextEnded, holdOver, stopping]);
            clearTimeout(timer);
          }
          await writeNote(
            contactId,
            note,
            marker,
            (kind) => (tally[kind] = (tally[kind] ?? 0) + 1),
          );
          check(tally, replies, flushes, tagged, n);
        } catch (err) {
          clearTimeout(dueTimer);
          if (stopped) result.cut += 1;
          else {
            result.failed += 1;
            if (result.errors.length < 3) result.errors.push(String(err));
          }
        } finally {
          onEnded();
          result.conversations += 1;
          result.flushes += flushes;
          for (const [kind, k] of Object.entries(tally))
            result.calls[kind] = (result.calls[kind] ?? 0) + k;
        }
      };

      /**
       * The per-conversation targets, on the product's own tally of this conversation: at most
       * one contact read at its start (a batched read counts on one of the starts it served),
       * one contact update per flush the policy asked for (one in the burst mix: before the tag
       * or at the end), at most one tag call, at most one note write (none when its transcript
       * went with another conversation's).
       */
      const check = (
        tally: Record<string, number>,
        replies: number,
        flushes: number,
        tagged: boolean,
        n: number,
      ): void => {
        let reads = 0;
        for (const [kind, k] of Object.entries(tally)) {
          if (PER_ACCOUNT_READS.includes(kind) || kind.startsWith('notes.')) continue;
          if (directionOf(kind) === 'read') reads += k;
        }
        const saves = (tally['contacts.update'] ?? 0) + (tally['contacts.create'] ?? 0);
        const tags = tally['tags.apply'] ?? 0;
        const noteCalls = (tally['notes.create'] ?? 0) + (tally['notes.update'] ?? 0);
        const where = `conversation ${n} (${replies} replies)`;
        const over = (what: string) =>
          result.violations.push({ accountId: account.accountId, what: `${where}: ${what}` });
        if (reads > 1) over(`${reads} contact reads at its start (target ≤ 1)`);
        if (saves > flushes)
          over(`${saves} contact updates for ${flushes} flushes (target 1 each)`);
        if (tags > (tagged ? 1 : 0)) over(`${tags} tag calls (target ≤ 1)`);
        if (noteCalls > 1) over(`${noteCalls} note writes (target ≤ 1)`);
      };

      await Promise.all(
        account.contacts.map(async ({ contactId, conversations }) => {
          // The next conversation starts when the one before ends; their notes share the row.
          const note: ContactNote = { noteId: null, waiting: new Map(), held: Promise.resolve() };
          const all: Promise<void>[] = [];
          const ends = Array.from({ length: conversations }, () => {
            let ended!: () => void;
            const done = new Promise<void>((resolve) => (ended = resolve));
            return { ended, done };
          });
          for (let i = 0; i < conversations; i++) {
            const { ended, done } = ends[i]!;
            all.push(converse(contactId, note, ended, ends[i + 1]?.done ?? null));
            await done;
          }
          await Promise.all(all);
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
  process.stdin.destroy();
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
