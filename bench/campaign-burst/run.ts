/**
 * Campaign-burst benchmark: 10,000 Keap campaign "Send HTTP Post" calls (the tool URL, a form with
 * `contactId`) across 20 accounts, sent as fast as the load generator can, against the API as
 * deployed. Reports how fast they are answered (p50/p99, time for all), the Keap contact reads per
 * start (the sandbox's own count), and checks that every post started exactly one conversation
 * (database), whose first text was queued once and sent at its sender's configured rate (the
 * sandbox's Twilio messages): nothing lost.
 *
 *   cd apps/api && ../../.tools/bin/pnpm bench:campaign-burst
 *
 * What runs (all on this machine, loopback only):
 * - the API as deployed: `node dist/main.js` (real AppModule, pino at warn) on a fresh PostgreSQL
 *   database and its own Redis key prefix, and the queue worker `node dist/worker.js` in its own
 *   process (BENCH_WORKER=api: inside the API instead);
 * - the sandbox Keap (Keap's published limits, real time) and Twilio in this process: 20 Keap
 *   tenants with 500 contacts each, one Twilio number per account;
 * - the load generator (load-generator.ts) in its own process: `BENCH_CONCURRENCY` keep-alive
 *   connections, each post once, the accounts interleaved.
 *
 * Environment: BENCH_POSTS (10000), BENCH_ACCOUNTS (20), BENCH_CONCURRENCY (64), BENCH_SEND_RATE
 * (texts a second per sender, the API's SEND_RATE_LONG_CODE: 25), BENCH_WORKER (separate | api |
 * after: started once every post is answered),
 * BENCH_DRAIN_TIMEOUT_SECONDS (900), BENCH_WRITE_DOC=0 (do not touch docs/benchmarks.md),
 * BENCH_API_NODE_ARGS / BENCH_WORKER_NODE_ARGS (node's arguments for the API / the worker, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 * Exits 1 when a target is missed. Writes the "Campaign burst" section of docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createSandbox } from '@sms-seq/sandbox';
import { aPublishedTool, aTool, anAccountConnectedTo } from '../../apps/api/test/runtime/builders';
import { aBenchRun, dropRedisKeys, runBench, startSandbox } from '../support/bench-run';
import { apiEnv, readyToRun, startBuiltApi, type BuiltApi } from '../support/built-api';
import { adminQuery, eventually, freePort, runLoadGenerator } from '../support/process-kit';
import type { BurstPlan, BurstResult } from './load-generator';

const ROOT = join(__dirname, '..', '..');
const OUT_DIR = join(__dirname, '.out');

const POSTS = Number(process.env.BENCH_POSTS ?? 10_000);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SEND_RATE = Number(process.env.BENCH_SEND_RATE ?? 25);
/** `after`: the worker starts once every post is answered (the HTTP path alone, then the drain). */
const WORKER: 'separate' | 'api' | 'after' =
  process.env.BENCH_WORKER === 'api' || process.env.BENCH_WORKER === 'after'
    ? process.env.BENCH_WORKER
    : 'separate';
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_DRAIN_TIMEOUT_SECONDS ?? 900) * 1000;
const WRITE_DOC = process.env.BENCH_WRITE_DOC !== '0';

const TARGET_ALL_ANSWERED_MS = 10_000;
const TARGET_READS_PER_START = 0.05;

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://sms:sms@127.0.0.1:5432/sms_sequences';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function log(line: string): void {
  process.stderr.write(`[bench:campaign-burst] ${line}\n`);
}

/** The contact phone of post `index` (E.164, New York numbers 646-2xx-xxxx). */
function phoneOf(index: number): string {
  return `+1646${String(2_000_000 + index)}`;
}
/** Account `a`'s sender (one number each, so each has its own send rate). */
function senderOf(a: number): string {
  return `+1415555${String(2000 + a).padStart(4, '0')}`;
}

// ---- The processes ---------------------------------------------------------------------------

function runLoad(plan: BurstPlan, planFile: string): Promise<BurstResult> {
  // The plan (10,000 posts) is too long for an argument: it goes in a file.
  writeFileSync(planFile, JSON.stringify(plan));
  return runLoadGenerator(join(__dirname, 'load-generator.ts'), planFile, 600_000);
}

// ---- The run -------------------------------------------------------------------------------------

interface SenderFigures {
  sender: string;
  texts: number;
  /** Seconds from its first text to its last. */
  spanS: number;
  /** Texts a second over that span. */
  perSecond: number;
  /** Most texts in any one second. */
  busiestSecond: number;
}

interface Figures {
  load: BurstResult;
  /** The machine's load average when the last post was answered. */
  loadAfterPosts?: number[];
  allAnsweredMs: number;
  answered202: number;
  conversations: number;
  distinctStarts: number;
  startedTwice: number;
  firstTextsQueued: number;
  conversationsWithOneFirstText: number;
  startsPending: number;
  refusedStarts: number;
  keap: {
    contactsList: number;
    contactsGet: number;
    model: number;
    total: number;
    throttled: number;
  };
  readsPerStart: number;
  textsSent: number;
  phonesTexted: number;
  senders: SenderFigures[];
  firstTextAfterMs: number;
  lastTextAfterMs: number;
  missed: string[];
}

async function main(): Promise<void> {
  readyToRun(OUT_DIR);
  const { stamp, dbName, dbUrl, redisPrefix, secretsKey } = aBenchRun('burst', DATABASE_URL);
  const loadBefore = loadavg();
  log(`load average ${loadBefore.map((n) => n.toFixed(2)).join(' ')}; creating database ${dbName}`);
  await adminQuery(DATABASE_URL, `CREATE DATABASE "${dbName}"`);

  const { sandbox, url: sandboxUrl, close: closeSandbox } = await startSandbox(createSandbox);

  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const apps: BuiltApi[] = [];
  const db = new Client({ connectionString: dbUrl });
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await db.end().catch(() => undefined);
      for (const app of apps.reverse()) await app.stop();
      await closeSandbox();
      await adminQuery(DATABASE_URL, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await dropRedisKeys(REDIS_URL, redisPrefix);
    })());
  // Stopped by hand (a drain that takes too long on a busy machine): nothing is left behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  try {
    const env = {
      ...apiEnv({
        port: apiPort,
        publicUrl: apiUrl,
        databaseUrl: dbUrl,
        redisUrl: REDIS_URL,
        redisPrefix,
        secretsKey,
        sandboxUrl,
      }),
      SEND_RATE_LONG_CODE: String(SEND_RATE),
      RUN_WORKER_IN_API: WORKER === 'api' ? 'true' : 'false',
    };
    const startApp = (entry: 'main' | 'worker') =>
      startBuiltApi({
        entry,
        env,
        url: apiUrl,
        logFile: join(OUT_DIR, `${entry === 'main' ? 'api' : 'worker'}-${stamp}.log`),
        nodeArgs:
          (entry === 'main' ? process.env.BENCH_API_NODE_ARGS : process.env.BENCH_WORKER_NODE_ARGS)
            ?.split(' ')
            .filter(Boolean) ?? [],
      });
    apps.push(await startApp('main'));
    if (WORKER === 'separate') apps.push(await startApp('worker'));
    await db.connect();
    const ds = {
      query: async (sql: string, params?: unknown[]) => (await db.query(sql, params)).rows,
    };

    // 20 accounts, each with Keap (its own tenant) and Twilio (its own number) connected, and a
    // published campaign tool: a welcome text that waits for a reply.
    log(`seeding ${ACCOUNTS} accounts and ${POSTS} Keap contacts`);
    const tools: { toolId: string; secret: string; contacts: number[] }[] = [];
    for (let a = 0; a < ACCOUNTS; a++) {
      const tenantId = `burst${a}`;
      sandbox.keap.createTenant(tenantId, `Burst ${a}`);
      // Its own Twilio account and number (a Twilio account connects to one account only), as
      // separate customers have (test/keap-budget/budget-builders.ts does the same).
      const twilio = {
        sid: `AC${randomBytes(16).toString('hex')}`,
        authToken: randomBytes(16).toString('hex'),
        friendlyName: tenantId,
        apiKeys: [],
        dateCreated: new Date(),
      };
      sandbox.twilio.accounts.set(twilio.sid, twilio);
      sandbox.twilio.availableNumbers.push({
        phoneNumber: senderOf(a),
        kind: 'local',
        locality: '',
        region: '',
        postalCode: '',
        rateCenter: '',
        lata: '',
      });
      sandbox.twilio.buyNumber(twilio, { phoneNumber: senderOf(a) });
      const { accountId } = await anAccountConnectedTo(ds as never, sandbox, secretsKey, {
        tenantId,
        name: `Burst ${a}`,
        twilio: { accountSid: twilio.sid, authToken: twilio.authToken },
      });
      const tool = await aPublishedTool(
        ds as never,
        accountId,
        aTool({
          name: `Campaign ${a}`,
          sender: { kind: 'phone_number', phoneNumber: senderOf(a) },
          keyword: null,
          startMode: 'http_only',
          steps: [
            {
              id: 'welcome',
              name: 'Welcome',
              message:
                'Hi ~Contact.FirstName~, thanks for signing up! Reply with your favourite colour.',
            },
            { id: 'thanks', name: 'Thanks', message: 'Thanks!', next: { kind: 'finish' } },
          ],
        }),
      );
      tools.push({ ...tool, contacts: [] });
    }
    for (let i = 0; i < POSTS; i++) {
      const a = i % ACCOUNTS;
      const { contact } = sandbox.keap.createContact(sandbox.keap.tenant(`burst${a}`), {
        given_name: `Pat${i}`,
        phone_numbers: [{ number: phoneOf(i), field: 'PHONE1' }],
      });
      tools[a]!.contacts.push(Number(contact.id));
    }
    // The posts, the accounts interleaved (their campaigns run at once).
    const posts: BurstPlan['posts'] = [];
    for (let i = 0; i < POSTS; i++) {
      const t = tools[i % ACCOUNTS]!;
      posts.push({
        path: `/hooks/tools/${t.toolId}/${t.secret}`,
        contactId: t.contacts[Math.floor(i / ACCOUNTS)]!,
      });
    }
    const keapBefore = sandbox.keap.callCounts();
    log(`${POSTS} posts, ${CONCURRENCY} connections`);
    const load = await runLoad(
      { baseUrl: apiUrl, posts, concurrency: CONCURRENCY },
      join(OUT_DIR, `plan-${stamp}.json`),
    );
    const loadAfterPosts = loadavg();
    log(
      `load: ${JSON.stringify(load)}; load average ${loadAfterPosts.map((n) => n.toFixed(1)).join(' ')}`,
    );
    if (WORKER === 'after') apps.push(await startApp('worker'));

    // Every start performed and its first text sent (at the senders' rate: about POSTS / ACCOUNTS
    // / SEND_RATE seconds), or the drain time-out.
    let lastSeen = '';
    await eventually(
      async () => {
        const { rows } = await db.query(
          `SELECT (SELECT count(*)::int FROM conversations) AS conversations,
                  (SELECT count(*)::int FROM messages WHERE direction = 'out' AND status IN ('queued', 'sending')) AS unsent,
                  (SELECT count(*)::int FROM outbox WHERE kind = 'start_http' AND done_at IS NULL) AS starts_pending`,
        );
        const row = rows[0] as { conversations: number; unsent: number; starts_pending: number };
        const sent = sandbox.twilio.messages.filter((m) => m.direction === 'outbound-api').length;
        lastSeen = `${JSON.stringify(row)}, ${sent} texts in Twilio`;
        return row.starts_pending === 0 && row.unsent === 0 && sent >= row.conversations
          ? true
          : undefined;
      },
      'every start performed and its first text sent',
      DRAIN_TIMEOUT_MS,
      1000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)} (last seen: ${lastSeen})`);
    });
    log(`drained: ${lastSeen}`);
    const figures = { ...(await measure(db, sandbox, load, keapBefore)), loadAfterPosts };
    const markdown = subsection(figures, loadBefore);
    process.stdout.write(`\n${markdown}\n`);
    writeFileSync(join(OUT_DIR, `result-${stamp}.json`), JSON.stringify(figures, null, 2));
    if (WRITE_DOC) writeDoc(markdown);
    if (figures.missed.length > 0) {
      log(`targets missed: ${figures.missed.join('; ')}`);
      process.exitCode = 1;
    }
  } finally {
    await cleanup();
  }
}

type Sandbox = ReturnType<typeof createSandbox>;

async function measure(
  db: Client,
  sandbox: Sandbox,
  load: BurstResult,
  keapBefore: ReturnType<Sandbox['keap']['callCounts']>,
): Promise<Figures> {
  const one = async <T>(sql: string): Promise<T> => (await db.query(sql)).rows[0] as T;
  const c = await one<{ conversations: number; distinct_starts: number }>(
    `SELECT count(*)::int AS conversations, count(DISTINCT (account_id, contact_id))::int AS distinct_starts FROM conversations`,
  );
  const twice = await one<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM conversations GROUP BY account_id, contact_id HAVING count(*) > 1) t`,
  );
  const texts = await one<{ queued: number; one_each: number }>(
    `SELECT count(*)::int AS queued,
            (SELECT count(*)::int FROM (SELECT 1 FROM messages WHERE direction = 'out' GROUP BY conversation_id HAVING count(*) = 1) t) AS one_each
       FROM messages WHERE direction = 'out'`,
  );
  const pending = await one<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox WHERE kind = 'start_http' AND done_at IS NULL`,
  );
  const refused = await one<{ n: number }>(
    `SELECT count(*)::int AS n FROM refused_http_starts`,
  ).catch(() => ({ n: -1 }));

  // Keap: the sandbox's own count of the calls the API made, by kind, over all tenants.
  const after = sandbox.keap.callCounts();
  const byKind = (counts: typeof after, kind: string) =>
    Object.values(counts.byTenant).reduce((a, t) => a + (t[kind] ?? 0), 0);
  const delta = (kind: string) => byKind(after, kind) - byKind(keapBefore, kind);
  // The sandbox names each call by the spec's operationId.
  const keap = {
    contactsList: delta('listContacts'),
    contactsGet: delta('getContact'),
    model: delta('retrieveContactModel'),
    total: after.total - keapBefore.total,
    throttled: after.throttled - keapBefore.throttled,
  };
  const readsPerStart = (keap.contactsList + keap.contactsGet) / Math.max(1, c.conversations);

  // Twilio: the texts as the sandbox received them, per sender.
  const sent = sandbox.twilio.messages.filter((m) => m.direction === 'outbound-api');
  const bySender = new Map<string, number[]>();
  for (const m of sent) {
    const from = m.from ?? '';
    const list = bySender.get(from) ?? [];
    list.push(m.dateCreated.getTime());
    bySender.set(from, list);
  }
  const senders: SenderFigures[] = [...bySender]
    .map(([sender, times]) => {
      times.sort((a, b) => a - b);
      let busiest = 0;
      for (let i = 0, j = 0; j < times.length; j++) {
        while (times[j]! - times[i]! >= 1000) i++;
        busiest = Math.max(busiest, j - i + 1);
      }
      const spanS = ((times[times.length - 1] ?? 0) - (times[0] ?? 0)) / 1000;
      return {
        sender,
        texts: times.length,
        spanS,
        perSecond: spanS > 0 ? (times.length - 1) / spanS : times.length,
        busiestSecond: busiest,
      };
    })
    .sort((a, b) => a.sender.localeCompare(b.sender));
  const allTimes = sent.map((m) => m.dateCreated.getTime()).sort((a, b) => a - b);

  const answered202 = load.statuses['202'] ?? 0;
  const allAnsweredMs = load.lastAnsweredAt - load.firstSentAt;
  const phonesTexted = new Set(sent.map((m) => m.to)).size;
  const missed: string[] = [];
  if (answered202 !== POSTS) missed.push(`${POSTS - answered202} posts not answered 202`);
  if (allAnsweredMs > TARGET_ALL_ANSWERED_MS)
    missed.push(`all answered after ${(allAnsweredMs / 1000).toFixed(1)} s (target ≤ 10 s)`);
  if (readsPerStart > TARGET_READS_PER_START)
    missed.push(
      `${readsPerStart.toFixed(3)} contact reads per start (target ≤ ${TARGET_READS_PER_START})`,
    );
  if (c.conversations !== POSTS || c.distinct_starts !== POSTS || twice.n > 0)
    missed.push(
      `${c.conversations} conversations for ${POSTS} posts (${twice.n} contacts started twice)`,
    );
  if (texts.queued !== POSTS || texts.one_each !== POSTS)
    missed.push(
      `${texts.queued} first texts queued (${texts.one_each} conversations with exactly one)`,
    );
  if (sent.length !== POSTS || phonesTexted !== POSTS)
    missed.push(`${sent.length} texts reached Twilio, to ${phonesTexted} phones`);
  const tooFast = senders.filter((s) => s.busiestSecond > SEND_RATE + 1);
  if (tooFast.length > 0)
    missed.push(`${tooFast.length} senders sent more than ${SEND_RATE} texts in one second`);
  if (keap.throttled > 0) missed.push(`${keap.throttled} Keap calls answered 429`);
  return {
    load,
    allAnsweredMs,
    answered202,
    conversations: c.conversations,
    distinctStarts: c.distinct_starts,
    startedTwice: twice.n,
    firstTextsQueued: texts.queued,
    conversationsWithOneFirstText: texts.one_each,
    startsPending: pending.n,
    refusedStarts: refused.n,
    keap,
    readsPerStart,
    textsSent: sent.length,
    phonesTexted,
    senders,
    firstTextAfterMs: (allTimes[0] ?? 0) - load.firstSentAt,
    lastTextAfterMs: (allTimes[allTimes.length - 1] ?? 0) - load.firstSentAt,
    missed,
  };
}

// ---- The report ----------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const MODE_TITLE: Record<typeof WORKER, string> = {
  separate: '### The worker alongside (its own `dist/worker.js`, running while the posts arrive)',
  api: '### The worker inside the API process',
  after: '### The HTTP path alone (the worker started once every post was answered)',
};

/** What the runs share: the load and the setup. */
function intro(): string {
  return [
    '## Campaign burst',
    '',
    `Keap campaigns' "Send HTTP Post" to the tool URL (\`POST /hooks/tools/:toolId/:secret\`, the form \`contactId=…\` Keap sends): ` +
      `${fmt(POSTS)} posts across ${ACCOUNTS} accounts (${fmt(POSTS / ACCOUNTS)} each, one Keap tenant and one Twilio account and number each, a published ` +
      'two-step tool whose first step texts the contact and waits for the reply), sent as fast as the load generator can ' +
      `(its own process, ${CONCURRENCY} keep-alive connections, the accounts interleaved), against the API as deployed ` +
      "(`node dist/main.js`, pino at `warn`) on a fresh PostgreSQL database, with the sandbox Keap at Keap's published limits in real time " +
      `and the sandbox Twilio; each sender's configured rate ${SEND_RATE} texts a second (SEND_RATE_LONG_CODE). Keap calls are the sandbox's own count; ` +
      'conversations and queued texts are read from the database; sent texts and their times from the sandbox Twilio. ' +
      'Run: `cd apps/api && pnpm bench:campaign-burst` (`bench/campaign-burst/run.ts`; `BENCH_WORKER=after` for the HTTP path alone).',
    '',
  ].join('\n');
}

function subsection(f: Figures, loadBefore: number[]): string {
  const rates = f.senders.map((s) => s.perSecond).sort((a, b) => a - b);
  const busiest = Math.max(0, ...f.senders.map((s) => s.busiestSecond));
  const machine = `${cpus()[0]?.model.trim() ?? 'CPU'}, ${availableParallelism()} cores (shared with other engineers' runs), ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
  const lines = [
    MODE_TITLE[WORKER],
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine}. Load average before: ${loadBefore.map((n) => fmt(n, 1)).join(', ')}; ` +
      `when the last post was answered: ${(f.loadAfterPosts ?? []).map((n) => fmt(n, 1)).join(', ')}.`,
    '',
    '| measure | result | target |',
    '| --- | --- | --- |',
    `| posts answered 202 | ${fmt(f.answered202)} of ${fmt(POSTS)}${f.load.failures.length ? ` (e.g. ${f.load.failures[0]})` : ''} | all |`,
    `| answer time p50 / p90 / p99 / max | ${fmt(f.load.p50Ms, 1)} / ${fmt(f.load.p90Ms, 1)} / ${fmt(f.load.p99Ms, 1)} / ${fmt(f.load.maxMs, 1)} ms | |`,
    `| **all ${fmt(POSTS)} answered**, after the first was sent | **${fmt(f.allAnsweredMs / 1000, 1)} s** (${fmt((POSTS / f.allAnsweredMs) * 1000)} posts/s) | ≤ 10 s |`,
    `| **Keap contact reads per start** (\`ids==\` list calls ${fmt(f.keap.contactsList)}, single reads ${fmt(f.keap.contactsGet)}) | **${fmt(f.readsPerStart, 3)}** | ≤ ${TARGET_READS_PER_START} |`,
    `| other Keap calls (the field model once per account: ${f.keap.model}) / 429s | ${fmt(f.keap.total - f.keap.contactsList - f.keap.contactsGet)} / ${f.keap.throttled} | 0 429s |`,
    `| **conversations started** / distinct (account, contact) / contacts started twice | **${fmt(f.conversations)}** / ${fmt(f.distinctStarts)} / ${f.startedTwice} | ${fmt(POSTS)} / ${fmt(POSTS)} / 0 |`,
    `| starts refused / still pending | ${f.refusedStarts < 0 ? 'n/a' : fmt(f.refusedStarts)} / ${f.startsPending} | 0 / 0 |`,
    `| first texts queued / conversations with exactly one | ${fmt(f.firstTextsQueued)} / ${fmt(f.conversationsWithOneFirstText)} | ${fmt(POSTS)} / ${fmt(POSTS)} |`,
    `| texts that reached Twilio / distinct phones | ${fmt(f.textsSent)} / ${fmt(f.phonesTexted)} | ${fmt(POSTS)} / ${fmt(POSTS)} |`,
    `| per sender: texts a second from its first to its last, min / median / max | ${fmt(rates[0] ?? 0, 2)} / ${fmt(rates[Math.floor(rates.length / 2)] ?? 0, 2)} / ${fmt(rates[rates.length - 1] ?? 0, 2)} | ≤ ${SEND_RATE} (configured) |`,
    `| most texts one sender sent in any second | ${busiest} | ≤ ${SEND_RATE} (+1 at a window's edge) |`,
    `| first / last text reached Twilio, after the first post | ${fmt(f.firstTextAfterMs / 1000, 1)} s / ${fmt(f.lastTextAfterMs / 1000, 1)} s | ≈ ${fmt(POSTS / ACCOUNTS / SEND_RATE)} s of sending per sender |`,
    `| targets | ${f.missed.length === 0 ? 'all met' : `missed: ${f.missed.join('; ')}`} | |`,
    '',
  ];
  return lines.join('\n');
}

/**
 * Writes the "Campaign burst" section: the shared intro, and this run's subsection in place of the
 * last run of the same worker mode (the other modes' subsections are kept).
 */
function writeDoc(sub: string): void {
  const docPath = join(ROOT, 'docs', 'benchmarks.md');
  const current = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf('\n## Campaign burst\n');
  const end = start === -1 ? -1 : current.indexOf('\n## ', start + 1);
  const old = start === -1 ? '' : current.slice(start, end === -1 ? undefined : end);
  const subs = (Object.keys(MODE_TITLE) as (typeof WORKER)[]).flatMap((mode) => {
    if (mode === WORKER) return [sub.trimEnd()];
    const at = old.indexOf(`\n${MODE_TITLE[mode]}\n`);
    if (at === -1) return [];
    const until = old.indexOf('\n### ', at + 1);
    return [old.slice(at + 1, until === -1 ? undefined : until).trimEnd()];
  });
  // Hand-written analysis ("### Findings …") survives a new run: only the runs' figures are replaced.
  const findingsAt = old.indexOf('\n### Findings');
  if (findingsAt !== -1) subs.push(old.slice(findingsAt + 1).trimEnd());
  const section = `${intro()}\n${subs.join('\n\n')}\n`;
  const before = start === -1 ? current : current.slice(0, start);
  const after = end === -1 ? '' : current.slice(end + 1);
  const next = `${before.trimEnd()}\n\n${section}${after ? `\n${after}` : ''}`;
  writeFileSync(docPath, next.endsWith('\n') ? next : `${next}\n`);
}

runBench(main);
