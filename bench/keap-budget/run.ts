/**
 * Keap budget bench: 10,000 conversations across 100 accounts, run by 3 worker processes that
 * share one RedisKeapBudget, through the runtime's Keap side (KeapCrmProvider and its account
 * cache, the calls the start, field-save, tag and note jobs make: see worker.ts), against the
 * Keap sandbox at Keap's published limits with time compressed (default 60x: a minute lasts a
 * second). Reports calls per conversation, 429s and the spread of finish times between accounts,
 * and writes them into docs/benchmarks.md. Exits 1 when any call drew a 429, a conversation
 * failed, or one missed a target (≤ 1 read per start, ≤ 2 writes per reply, one note write, the
 * field model and the note user read once per account).
 *
 *   apps/api/node_modules/.bin/tsx bench/keap-budget/run.ts [--conversations 10000] [--accounts 100]
 *     [--workers 3] [--scale 60] [--guard-ms 50] [--seed 1] [--no-write]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { KEAP_PUBLISHED_LIMITS } from '@sms-seq/sandbox';
import { scaledKeapBudgetConfig } from '../../apps/api/src/config/keap-budget.config';
import { jainIndex } from '../../apps/api/test/support/keap-budget/keap-budget.testing';
import { KeapSandboxHarness } from '../../apps/api/test/support/keap-budget/keap-sandbox-harness';
import type { AccountResult, WorkerInput } from './worker';

const ROOT = join(__dirname, '../..');
const TSX = join(ROOT, 'apps/api/node_modules/.bin/tsx');
const API_TSCONFIG = join(ROOT, 'apps/api/tsconfig.json');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

const CONVERSATIONS = arg('conversations', 10_000);
const ACCOUNTS = arg('accounts', 100);
const WORKERS = arg('workers', 3);
const SCALE = arg('scale', 60);
const GUARD_MS = arg('guard-ms', 50);
const SEED = arg('seed', 1);
const WRITE = !process.argv.includes('--no-write');
const TRACE = process.argv.includes('--trace');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A campaign-shaped load: a few big accounts and a long tail (Zipf-like weights, exponent 0.8). */
function conversationsPerAccount(): number[] {
  const weights = Array.from({ length: ACCOUNTS }, (_, i) => 1 / (i + 1) ** 0.8);
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((w / sum) * CONVERSATIONS)));
  let rest = CONVERSATIONS - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % ACCOUNTS, rest--) counts[i] = (counts[i] ?? 0) + 1;
  return counts;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] ?? 0;
}

async function main(): Promise<void> {
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => `acct${String(i).padStart(3, '0')}`);
  const quotas = { ...KEAP_PUBLISHED_LIMITS };
  const keap = await KeapSandboxHarness.start({ timeScale: SCALE, quotas, accounts });
  const counts = conversationsPerAccount();
  const config = scaledKeapBudgetConfig(SCALE, { guardMs: GUARD_MS });
  const keyPrefix = `bench:keap-budget:${randomUUID()}`;

  // Accounts dealt round-robin to the workers, so each has big and small ones. Each account has
  // its contacts (about one in three comes back for a second conversation: its note is appended
  // to) and one tag its tool applies.
  const inputs: WorkerInput[] = Array.from({ length: WORKERS }, () => ({
    redisUrl: REDIS_URL,
    keyPrefix,
    config,
    keapBaseUrl: `${keap.baseUrl}/crm`,
    seed: SEED,
    accounts: [],
  }));
  accounts.forEach((accountId, i) => {
    const tenant = keap.sandbox.keap.tenant(accountId);
    const conversations = counts[i] ?? 0;
    const contactCount = Math.max(1, Math.ceil(conversations * 0.7));
    const contacts = Array.from({ length: contactCount }, (_, j) => ({
      contactId: Number(
        keap.sandbox.keap.createContact(tenant, {
          given_name: 'Pat',
          family_name: `${accountId}-${j}`,
          email_addresses: [{ email: `pat${j}@${accountId}.example`, field: 'EMAIL1' }],
        }).contact.id,
      ),
      conversations: 0,
    }));
    for (let c = 0; c < conversations; c++) contacts[c % contactCount]!.conversations += 1;
    inputs[i % WORKERS]?.accounts.push({
      accountId,
      token: keap.tokens.get(accountId) ?? '',
      tagId: Number(keap.sandbox.keap.createTag(tenant, { name: 'Bench' }).id),
      contacts,
    });
  });

  console.error(
    `bench: ${CONVERSATIONS} conversations, ${ACCOUNTS} accounts, ${WORKERS} workers, time x${SCALE}, guard ${GUARD_MS} ms`,
  );
  const children: ChildProcess[] = [];
  let ready = 0;
  let startedAt = 0;
  const progress = setInterval(() => {
    const c = keap.calls();
    console.error(
      `  ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${c.total} Keap calls, ${c.throttled} answered 429`,
    );
  }, 10_000);
  const perWorker = await Promise.all(
    inputs.map(
      (input) =>
        new Promise<AccountResult[]>((resolve, reject) => {
          // The API's compiler options (decorators) for the runtime code the worker loads.
          const child = spawn(TSX, ['--tsconfig', API_TSCONFIG, join(__dirname, 'worker.ts')], {
            env: { ...process.env, BENCH_WORKER_INPUT: JSON.stringify(input) },
            stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
          });
          children.push(child);
          let out = '';
          child.stdout?.on('data', (d: Buffer) => {
            const before = out;
            out += d.toString();
            if (
              !before.includes('ready\n') &&
              out.includes('ready\n') &&
              ++ready === inputs.length
            ) {
              startedAt = Date.now();
              for (const c of children) c.stdin?.end('go\n');
            }
          });
          child.on('error', reject);
          child.on('close', (code) => {
            if (code !== 0) return reject(new Error(`worker exited ${code}`));
            resolve(JSON.parse(out.trim().split('\n').pop() ?? '[]') as AccountResult[]);
          });
        }),
    ),
  );
  clearInterval(progress);
  const wallMs = Date.now() - startedAt;
  const results = perWorker.flat().sort((a, b) => a.accountId.localeCompare(b.accountId));
  const sandboxCalls = keap.calls();
  await keap.close();
  // Keap's spike window (a sandbox second) holding more calls than its limit: where a 429 came from.
  const perWindow = new Map<number, number>();
  for (const at of keap.arrivals)
    perWindow.set(Math.floor(at / 1000), (perWindow.get(Math.floor(at / 1000)) ?? 0) + 1);
  const firstWindow = Math.min(...perWindow.keys());
  const over = [...perWindow]
    .filter(([, n]) => n > quotas.appPerSecond)
    .map(([w, n]) => `${((w - firstWindow) * 1000) / SCALE} ms: ${n}`);
  if (over.length > 0 || TRACE) {
    console.error(`  spike windows over ${quotas.appPerSecond}: ${over.join(', ') || 'none'}`);
    const head = [...perWindow]
      .sort((a, b) => a[0] - b[0])
      .slice(0, 40)
      .map(([w, n]) => `${(((w - firstWindow) * 1000) / SCALE).toFixed(0)}:${n}`);
    console.error(`  first windows (ms after the first call: calls): ${head.join(' ')}`);
  }

  // Budget report straight from Redis, then clean up the bench's keys.
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${keyPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
  redis.disconnect();

  const byKind: Record<string, number> = {};
  for (const r of results)
    for (const [k, n] of Object.entries(r.calls)) byKind[k] = (byKind[k] ?? 0) + n;
  const kinds = (...names: string[]) => names.reduce((a, k) => a + (byKind[k] ?? 0), 0);
  const conversations = results.reduce((a, r) => a + r.conversations, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  const replies = results.reduce((a, r) => a + r.replies, 0);
  const violations = results.flatMap((r) => r.violations);
  const throttled = sandboxCalls.throttled;
  const totalCalls = Object.values(byKind).reduce((a, b) => a + b, 0);
  // The contact, read at the start of each conversation; the field model and the note user are
  // the account's (read once per account, checked per account in worker.ts).
  const readsPerStart = kinds('contacts.get', 'contacts.list') / conversations;
  const perAccountReads = kinds('contacts.model', 'oauth.userinfo');
  const writesPerReply =
    kinds('contacts.update', 'contacts.create', 'tags.apply') / Math.max(1, replies);
  const finish = results.map((r) => r.finishedAfterMs).sort((a, b) => a - b);
  const done = results.map((r) => r.conversationsDoneAfterMs).sort((a, b) => a - b);
  const smallest = results.reduce((a, r) => (r.conversations < a.conversations ? r : a));
  const biggest = results.reduce((a, r) => (r.conversations > a.conversations ? r : a));
  // Fairness of the conversation work (everything but notes, which wait behind it by design).
  // Under max-min fair sharing an account needing c calls is done once every account has been
  // served min(c, its own); its "fair finish" is that many of all conversation calls, in time.
  const conversationCalls = (r: AccountResult) =>
    Object.entries(r.calls).reduce(
      (a, [k, n]) => (k.startsWith('notes.') || k === 'oauth.userinfo' ? a : a + n),
      0,
    );
  const allConversationCalls = results.reduce((a, r) => a + conversationCalls(r), 0);
  const conversationWallMs = done[done.length - 1] ?? 1;
  const fairDoneMs = (r: AccountResult) => {
    const mine = conversationCalls(r);
    return (
      (results.reduce((a, o) => a + Math.min(mine, conversationCalls(o)), 0) /
        allConversationCalls) *
      conversationWallMs
    );
  };
  const ratio = results.map((r) => ({
    r,
    x: r.conversationsDoneAfterMs / Math.max(1, fairDoneMs(r)),
  }));
  const ratios = ratio.map((e) => e.x).sort((a, b) => a - b);
  const medianSize = quantile(
    results.map((r) => r.conversations).sort((a, b) => a - b),
    0.5,
  );
  const worstSmall = Math.max(
    ...ratio.filter((e) => e.r.conversations <= medianSize).map((e) => e.x),
  );
  const keapMinute = 60_000 / SCALE;
  const keapSecond = 1000 / SCALE;
  const achievedPerKeapMinute = (totalCalls / wallMs) * keapMinute;
  const achievedPerKeapSecond = (totalCalls / wallMs) * keapSecond;

  const f = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    '## Keap budget',
    '',
    `Run by \`bench/keap-budget/run.ts\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, Redis ${redisVersion} (machine shared with other jobs).`,
    '',
    `Load: ${conversations.toLocaleString('en-US')} conversations across ${ACCOUNTS} accounts (Zipf-like: biggest ${biggest.conversations}, ` +
      `smallest ${smallest.conversations}), all started at once, run by ${WORKERS} worker processes sharing one \`RedisKeapBudget\`, ` +
      `through the runtime's Keap side (\`KeapCrmProvider\` with its Redis account cache, the calls of the start, field-save, tag and note jobs; see \`bench/keap-budget/worker.ts\`): ` +
      `each conversation reads its contact, has 1-3 replies each saving the answer, a tag on the last one half the time, and its transcript in the contact's note ` +
      `(about one contact in three has a second conversation, appended to the same note); the last reply's effects and the note are \`background\`, the rest \`interactive\`. ` +
      `Keap sandbox at Keap's published limits (25/s, 1,500/min, 150,000/day app-wide; 10,000/min, 250,000/day per tenant) with time ` +
      `compressed ${SCALE}× (a Keap minute = ${f(keapMinute)}); the budget uses the same limits over the same windows, guard ${GUARD_MS} ms.`,
    '',
    '| measure | result |',
    '| --- | --- |',
    `| conversations finished / failed | ${conversations - failed} / ${failed} |`,
    `| Keap calls (sandbox count) | ${sandboxCalls.total.toLocaleString('en-US')} (${Object.entries(
      byKind,
    )
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}) |`,
    `| calls per conversation | ${(totalCalls / conversations).toFixed(2)}: contact reads per start ${readsPerStart.toFixed(2)} (target ≤ 1) plus ${perAccountReads} per-account reads (field model, note user: ${(perAccountReads / ACCOUNTS).toFixed(1)} per account, target ≤ 2), ` +
      `writes per reply ${writesPerReply.toFixed(2)} (target ≤ 2), note calls per conversation ${(kinds('notes.create', 'notes.update', 'notes.get', 'notes.list') / conversations).toFixed(2)} |`,
    `| conversations over a target | ${violations.length}${
      violations.length > 0
        ? `: ${violations
            .slice(0, 3)
            .map((v) => `${v.accountId} ${v.what}`)
            .join('; ')}`
        : ''
    } |`,
    `| 429s seen (target 0) | ${throttled} |`,
    `| wall time | ${f(wallMs)} = ${(wallMs / keapMinute).toFixed(1)} Keap minutes; ${Math.round(achievedPerKeapMinute)} calls per Keap minute (limit 1,500), ${achievedPerKeapSecond.toFixed(1)} per Keap second (limit 25) |`,
    `| conversation work done, per account: min / p50 / p90 / max | ${f(done[0] ?? 0)} / ${f(quantile(done, 0.5))} / ${f(quantile(done, 0.9))} / ${f(conversationWallMs)} |`,
    `| … with notes written (background), per account: min / p50 / max | ${f(finish[0] ?? 0)} / ${f(quantile(finish, 0.5))} / ${f(finish[finish.length - 1] ?? 0)} |`,
    `| smallest account (${smallest.conversations} conv.) / biggest (${biggest.conversations} conv.): conversation work done after | ${f(smallest.conversationsDoneAfterMs)} / ${f(biggest.conversationsDoneAfterMs)} |`,
    `| done time ÷ max-min fair done time: median / worst of the smaller half of accounts | ${quantile(ratios, 0.5).toFixed(2)} / ${worstSmall.toFixed(2)} |`,
    `| Jain's index of (done ÷ fair done) over accounts (1 = all equally close to fair) | ${jainIndex(ratios).toFixed(3)} |`,
    '',
    'Reading it: an account\'s "fair done time" is when it would be done under exact max-min sharing of the conversation ' +
      "calls (every account served min(its calls, the other's) before it is done); a ratio near 1 means it waited no longer " +
      'than its share, far below 1 that its small load went through early. Notes are `background` and wait behind all ' +
      'conversation work by design. Conversations have no think time, so this is a worst-case burst. What sets the pace: ' +
      'a granted call counts in the per-second window from its grant until its answer (held as in flight meanwhile), then ' +
      `for one Keap second plus the guard (${GUARD_MS} ms) after the answer; so at most 25 calls per (Keap second + guard + ` +
      `the calls' round trip), here ${(keapSecond + GUARD_MS).toFixed(0)} ms plus the round trip, which on a busy machine with time ` +
      `compressed ${SCALE}× is a large part of a Keap second: hence ${achievedPerKeapSecond.toFixed(1)} calls per Keap second rather than 25. ` +
      `At real time the guard costs ${((GUARD_MS / (1000 + GUARD_MS)) * 100).toFixed(0)}% of the per-second budget and a round trip of ~100 ms about as much. ` +
      'A 429 still pauses every process and widens the guard (adaptive guard).',
    '',
  ];
  const section = lines.join('\n');
  console.log(section);
  if (WRITE) writeSection(section);
  // The targets are the bench's verdict: a run that misses one fails.
  const missed = [
    ...(throttled > 0 ? [`${throttled} calls answered 429`] : []),
    ...(failed > 0
      ? [
          `${failed} conversations failed: ${results
            .flatMap((r) => r.errors)
            .slice(0, 3)
            .join('; ')}`,
        ]
      : []),
    ...(violations.length > 0 ? [`${violations.length} over a per-conversation target`] : []),
    ...(readsPerStart > 1 ? [`${readsPerStart.toFixed(2)} reads per start`] : []),
    ...(writesPerReply > 2 ? [`${writesPerReply.toFixed(2)} writes per reply`] : []),
  ];
  if (missed.length > 0) {
    console.error(`bench: targets missed: ${missed.join('; ')}`);
    process.exitCode = 1;
  }
}

/** Replaces the "## Keap budget" section of docs/benchmarks.md (others' sections stay as they are). */
function writeSection(section: string): void {
  const file = join(ROOT, 'docs/benchmarks.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  const start = current.indexOf('## Keap budget');
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const after = current.indexOf('\n## ', start + 1);
    next = current.slice(0, start) + section + (after < 0 ? '' : `\n${current.slice(after + 1)}`);
  }
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
