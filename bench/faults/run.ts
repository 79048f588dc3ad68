/**
 * Fault benchmark: texts arrive while the API is killed, while PostgreSQL is unreachable and
 * while Redis is wiped; how many were lost (never answered) and how many answered twice.
 *
 *   cd apps/api && ../../.tools/bin/pnpm bench:faults
 *
 * What runs (all on this machine, loopback only):
 * - the API as deployed: `node dist/main.js` (the queue worker inside it, as by default) in its
 *   own process, on a fresh PostgreSQL database reached through a TCP relay this script can cut,
 *   and on a Redis server of its own (`redis-server` on a free port, so it can be wiped);
 * - the sandbox Twilio and Keap in this process: Twilio posts each text to the sender's SMS URL,
 *   honouring its connection overrides (retries) and fallback URL, and keeps every text, so the
 *   app's reconciler can fetch back those that never got through;
 * - one account, its demo number pointed at the app as the app points senders
 *   (twilioWebhookUrls), and a published keyword tool: each text `JOIN` from a new phone is
 *   answered with one text. A text is answered once when its phone got exactly one answer.
 *
 * The faults, one after the other, each with its own phones:
 * 1. the API killed (SIGKILL) a second into a burst, and started again at once;
 * 2. PostgreSQL unreachable for 15 s (every connection dropped, new ones refused) while texts
 *    keep coming;
 * 3. Redis wiped (FLUSHALL: queues, locks, caches) in the middle of a burst.
 *
 * Environment: BENCH_RECONCILE_MS (5000: INBOUND_RECONCILE_INTERVAL_MS; 300000 in production),
 * BENCH_RETRY_DELAY_MS (500: the sandbox's wait between Twilio's retries), BENCH_SETTLE_SECONDS
 * (240: how long to wait for every answer), BENCH_FAULTS_BASELINE=1 (the app as before the fix:
 * the SMS URL without connection overrides or fallback, the reconciler off), BENCH_WRITE_DOC=0.
 *
 * Writes its figures into docs/reliability.md ("With the fix", or "Before the fix" for the baseline).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server as NetServer, type Socket } from 'node:net';
import { availableParallelism, release } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { createSandbox, type Sandbox } from '@sms-seq/sandbox';
import { twilioWebhookUrls } from '../../apps/api/src/twilio/twilio-webhook-urls';
import {
  aConnectedAccount,
  aPublishedTool,
  aTool,
  DEMO_NUMBER,
} from '../../apps/api/test/runtime/builders';
import { phoneOf } from '../webhooks/bench-data';
import { aBenchRun, runBench, startSandbox } from '../support/bench-run';
import { apiEnv, readyToRun, startBuiltApi, type BuiltApi } from '../support/built-api';
import { adminQuery, eventually, freePort } from '../support/process-kit';

const ROOT = join(__dirname, '..', '..');
const OUT_DIR = join(__dirname, '.out');

const RECONCILE_MS = Number(process.env.BENCH_RECONCILE_MS ?? 5_000);
const RETRY_DELAY_MS = Number(process.env.BENCH_RETRY_DELAY_MS ?? 500);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_SECONDS ?? 240) * 1000;
const BASELINE = process.env.BENCH_FAULTS_BASELINE === '1';
const WRITE_DOC = process.env.BENCH_WRITE_DOC !== '0';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://sms:sms@127.0.0.1:5432/sms_sequences';
const ANSWER = 'Thanks for joining!';

function log(line: string): void {
  process.stderr.write(`[bench:faults] ${line}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- What the faults act on ---------------------------------------------------------------------

/** A TCP relay in front of PostgreSQL: `cut()` drops every connection and refuses new ones. */
interface Relay {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
}

async function aRelay(host: string, port: number): Promise<Relay> {
  const listenPort = await freePort();
  const sockets = new Set<Socket>();
  let server: NetServer | null = null;
  const restore = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(port, host);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
      server.listen(listenPort, '127.0.0.1', () => resolve());
    });
  const cut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      const s = server;
      server = null;
      if (!s) return resolve();
      s.close(() => resolve());
    });
  await restore();
  return { port: listenPort, cut, restore };
}

/** A Redis server of the bench's own (never the shared one: it gets wiped). */
async function aRedisServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  await eventually(
    async () => {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG' ? true : undefined;
      } finally {
        probe.disconnect();
      }
    },
    'the bench Redis server',
    10_000,
  );
  return {
    url,
    stop: async () => {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** `node dist/main.js` with this env; resolves once /health answers. A restart appends to its log. */
function startApi(env: Record<string, string>, url: string, logFile: string): Promise<BuiltApi> {
  return startBuiltApi({ entry: 'main', env, url, logFile, appendLog: true });
}

/** What the builders need of a DataSource: `query` answering the rows. */
function rowsOf(client: Client): Parameters<typeof aPublishedTool>[0] {
  const query = async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows;
  return { query } as unknown as Parameters<typeof aPublishedTool>[0];
}

// ---- One fault ------------------------------------------------------------------------------------

interface Figures {
  fault: string;
  what: string;
  sent: number;
  /** Texts whose first delivery failed (the app down, or answering 5xx). */
  notDeliveredFirstTime: number;
  /** Of those, delivered by Twilio's retries or the fallback URL. */
  deliveredByRetry: number;
  /** Texts no delivery was answered 200 for (the app may have stored one before it died). */
  neverDelivered: number;
  answeredOnce: number;
  lost: number;
  doubled: number;
  /** From the end of the fault to the last answer. */
  recoveredInSeconds: number;
}

/**
 * Sends `count` texts, `everyMs` apart, from phones `first`…; runs `fault` alongside; then waits
 * until every phone has an answer (or SETTLE_MS) and the app has nothing left to do, and counts.
 */
async function runFault(
  ctx: { sandbox: Sandbox; db: Client },
  name: string,
  what: string,
  plan: { first: number; count: number; everyMs: number },
  fault: () => Promise<void>,
): Promise<Figures> {
  const phones = Array.from({ length: plan.count }, (_, i) => phoneOf(plan.first + i));
  log(`${name}: ${plan.count} texts, one every ${plan.everyMs} ms`);
  const sending = phones.map(async (phone, i) => {
    await sleep(i * plan.everyMs);
    return ctx.sandbox.twilio.receiveInbound({ from: phone, to: DEMO_NUMBER, body: 'JOIN' });
  });
  await fault();
  const faultEnded = Date.now();
  const results = await Promise.all(sending);
  const answersTo = (phone: string) =>
    ctx.sandbox.twilio.messages.filter(
      (m) => m.to === phone && m.direction === 'outbound-api' && m.body === ANSWER,
    ).length;
  await eventually(
    async () => (phones.every((p) => answersTo(p) > 0) ? true : undefined),
    `${name}: every text answered`,
    SETTLE_MS,
  ).catch((err: unknown) => log(String(err)));
  // Nothing left to do: no text unprocessed, no outbox work pending, every callback delivered.
  await eventually(
    async () => {
      const { rows } = await ctx.db.query(
        `SELECT (SELECT count(*) FROM outbox WHERE done_at IS NULL) + (SELECT count(*) FROM messages WHERE direction = 'in' AND status = 'received') AS n`,
      );
      return Number((rows[0] as { n: string }).n) === 0 ? true : undefined;
    },
    `${name}: the app to be idle`,
    60_000,
  ).catch((err: unknown) => log(String(err)));
  await ctx.sandbox.twilio.whenIdle();
  const firstFailed = results.filter(
    (r) => r.deliveries[0]?.attempts !== 1 || r.deliveries[0]?.responseStatus !== 200,
  );
  const neverDelivered = results.filter((r) => r.deliveries[0]?.responseStatus !== 200).length;
  const counts = phones.map(answersTo);
  const phoneSet = new Set(phones);
  const lastAnswerAt = Math.max(
    faultEnded,
    ...ctx.sandbox.twilio.messages
      .filter((m) => phoneSet.has(m.to) && m.direction === 'outbound-api' && m.body === ANSWER)
      .map((m) => m.dateCreated.getTime()),
  );
  return {
    fault: name,
    what,
    sent: plan.count,
    notDeliveredFirstTime: firstFailed.length,
    deliveredByRetry: firstFailed.length - neverDelivered,
    neverDelivered,
    answeredOnce: counts.filter((n) => n === 1).length,
    lost: counts.filter((n) => n === 0).length,
    doubled: counts.filter((n) => n > 1).length,
    recoveredInSeconds: Math.max(0, (lastAnswerAt - faultEnded) / 1000),
  };
}

// ---- The report -----------------------------------------------------------------------------------

function section(figures: Figures[], date: string): string {
  const cpu =
    readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'))
      ?.split(':')[1]
      ?.trim() ?? 'unknown CPU';
  const mode = BASELINE
    ? 'baseline: the app as before (SMS URL without connection overrides or fallback, no reconciler)'
    : `INBOUND_RECONCILE_INTERVAL_MS=${RECONCILE_MS}, SMS URL with \`#rc=5&rp=5xx,ct,rt\` and the fallback URL, sandbox retry delay ${RETRY_DELAY_MS} ms`;
  return [
    `### ${BASELINE ? 'Before the fix' : 'With the fix'} (${date})`,
    '',
    `Run: \`cd apps/api && pnpm bench:faults\`${BASELINE ? ' with `BENCH_FAULTS_BASELINE=1`' : ''} (\`bench/faults/run.ts\`); ${mode}.`,
    `Machine: ${cpu}, ${availableParallelism()} cores (shared), linux ${release()}, Node.js ${process.version}.`,
    '',
    '| Fault | Texts | First delivery failed | Delivered by Twilio retry/fallback | No delivery answered 200 | Answered once | Lost | Doubled | Last answer after the fault |',
    '| ----- | ----: | ----: | ----: | ----: | ----: | ----: | ----: | ----: |',
    ...figures.map(
      (f) =>
        `| ${f.what} | ${f.sent} | ${f.notDeliveredFirstTime} | ${f.deliveredByRetry} | ${f.neverDelivered} | ${f.answeredOnce} | **${f.lost}** | **${f.doubled}** | ${f.recoveredInSeconds.toFixed(1)} s |`,
    ),
    '',
  ].join('\n');
}

function writeDoc(markdown: string): void {
  const docPath = join(ROOT, 'docs', 'reliability.md');
  const heading = BASELINE ? '### Before the fix' : '### With the fix';
  const current = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Reliability\n';
  const start = current.indexOf(`\n${heading}`);
  if (start === -1) {
    writeFileSync(docPath, `${current.trimEnd()}\n\n${markdown}`);
    return;
  }
  const after = current.indexOf('\n#', start + 1);
  writeFileSync(
    docPath,
    `${current.slice(0, start).trimEnd()}\n\n${markdown}${after === -1 ? '' : current.slice(after)}`,
  );
}

// ---- The run --------------------------------------------------------------------------------------

async function main(): Promise<void> {
  readyToRun(OUT_DIR);
  const { stamp, dbName, dbUrl, redisPrefix, secretsKey } = aBenchRun('faults', DATABASE_URL);
  const logFile = join(OUT_DIR, `api-${stamp}.log`);
  await adminQuery(DATABASE_URL, `CREATE DATABASE "${dbName}"`);
  const direct = new URL(dbUrl);
  const relay = await aRelay(direct.hostname, Number(direct.port || 5432));
  const relayed = new URL(direct.toString());
  relayed.hostname = '127.0.0.1';
  relayed.port = String(relay.port);
  const redis = await aRedisServer();

  const { sandbox, url: sandboxUrl, close: closeSandbox } = await startSandbox(createSandbox);
  sandbox.twilio.webhooks.retryDelayMs = RETRY_DELAY_MS;

  const apiPort = await freePort();
  const publicUrl = `http://127.0.0.1:${apiPort}`;
  const env: Record<string, string> = {
    ...apiEnv({
      port: apiPort,
      publicUrl,
      databaseUrl: relayed.toString(),
      redisUrl: redis.url,
      redisPrefix,
      secretsKey,
      sandboxUrl,
    }),
    SEND_RATE_LONG_CODE: '1000',
    QUEUE_BACKOFF_MS: '200',
    OUTBOX_REPUBLISH_AFTER_MS: '5000',
    INBOUND_RECONCILE_INTERVAL_MS: BASELINE ? '0' : String(RECONCILE_MS),
  };
  const db = new Client({ connectionString: direct.toString() });
  let api: BuiltApi | null = null;
  try {
    api = await startApi(env, publicUrl, logFile);
    await db.connect();
    const urls = twilioWebhookUrls(publicUrl);
    const { accountId } = await aConnectedAccount(rowsOf(db), sandbox, secretsKey, {
      smsUrl: BASELINE ? urls.smsUrl.split('#')[0]! : urls.smsUrl,
    });
    if (!BASELINE)
      for (const number of sandbox.twilio.numbers.values())
        number.smsFallbackUrl = urls.smsFallbackUrl;
    await aPublishedTool(
      rowsOf(db),
      accountId,
      aTool({
        name: 'Join',
        keyword: 'JOIN',
        collectEmailFirst: false,
        steps: [{ id: 'hello', name: 'Hello', message: ANSWER, next: { kind: 'finish' } }],
      }),
    );
    const ctx = { sandbox, db };

    // Warm up, and let the reconciler mark the number once (a restart resumes from the mark).
    const warm = await runFault(
      ctx,
      'warm-up',
      'none',
      { first: 0, count: 5, everyMs: 50 },
      async () => {},
    );
    if (warm.lost || warm.doubled) throw new Error(`warm-up: ${JSON.stringify(warm)}`);
    if (!BASELINE)
      await eventually(
        async () =>
          (await db.query(`SELECT 1 FROM inbound_reconcile_marks`)).rowCount ? true : undefined,
        'the first reconcile',
        RECONCILE_MS * 3 + 10_000,
      );

    const figures: Figures[] = [];
    figures.push(
      await runFault(
        ctx,
        'kill',
        'API killed (SIGKILL) 1 s into a burst, restarted at once',
        { first: 1_000, count: 40, everyMs: 100 },
        async () => {
          await sleep(1_000);
          await api!.kill();
          log('kill: API killed; starting it again');
          api = await startApi(env, publicUrl, logFile);
          log('kill: API up again');
        },
      ),
    );
    figures.push(
      await runFault(
        ctx,
        'postgres',
        'PostgreSQL unreachable for 15 s',
        { first: 2_000, count: 100, everyMs: 150 },
        async () => {
          await relay.cut();
          log('postgres: cut');
          await sleep(15_000);
          await relay.restore();
          log('postgres: back');
        },
      ),
    );
    figures.push(
      await runFault(
        ctx,
        'redis',
        'Redis wiped (FLUSHALL) mid-burst',
        { first: 3_000, count: 100, everyMs: 50 },
        async () => {
          await sleep(2_000);
          const client = new Redis(redis.url);
          await client.flushall();
          client.disconnect();
          log('redis: wiped');
        },
      ),
    );
    for (const f of figures) log(JSON.stringify(f));
    const markdown = section(figures, new Date().toISOString().slice(0, 10));
    process.stdout.write(`\n${markdown}`);
    writeFileSync(join(OUT_DIR, `result-${stamp}.json`), JSON.stringify(figures, null, 2));
    if (WRITE_DOC) writeDoc(markdown);
  } finally {
    await api?.stop();
    await db.end().catch(() => undefined);
    await relay.cut();
    await redis.stop();
    await closeSandbox();
    await adminQuery(DATABASE_URL, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
}

runBench(main);
