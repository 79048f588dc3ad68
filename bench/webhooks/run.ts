/**
 * Webhooks benchmark: signed Twilio inbound replies per second accepted by the API and the p50/p99
 * latency of its answer, beside a reference (a bare node:http handler doing one PostgreSQL insert
 * per request, same pool size, same load), then how long the queued replies take to be processed.
 *
 *   cd apps/api && ../../.tools/bin/pnpm bench:webhooks
 *
 * What runs (all on this machine, loopback only):
 * - the API as deployed: `node dist/main.js` in its own process (real AppModule, pino at warn,
 *   the queue worker inside the API as by default) on a fresh PostgreSQL database and its own
 *   Redis key prefix;
 * - the sandbox Twilio and Keap in this process (the API sends its replies' texts there);
 * - the load generator (load-generator.ts) in its own process: signed posts from keep-alive
 *   connections at a fixed concurrency, one reply per conversation, for BENCH_SECONDS.
 *
 * Environment: BENCH_SECONDS (20), BENCH_WARMUP_SECONDS (3), BENCH_CONCURRENCY (32),
 * BENCH_CONVERSATIONS (60000), BENCH_DRAIN_TIMEOUT_SECONDS (600), BENCH_CPU_PROF=1 (profile the
 * API during the load window; summary printed and kept in bench/webhooks/.out),
 * BENCH_WORKER=separate (the worker in its own `dist/worker.js`, RUN_WORKER_IN_API=false),
 * BENCH_WORKER=after (the same, started only when the load has ended: the webhook path alone,
 * as when the workers run on other machines; the drain then measures the worker alone),
 * BENCH_WRITE_DOC=0 (do not touch docs/benchmarks.md).
 *
 * Writes the result into the "Webhooks" section of docs/benchmarks.md (other sections are kept).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { advance, toolDefinitionSchema, type ToolDefinition } from '../../packages/engine/src';
import { createSandbox } from '../../apps/sandbox/src';
import { SecretBox, sealedFor } from '../../apps/api/src/crypto/secret-box';
import { aBenchRun, dropRedisKeys, runBench, startSandbox } from '../support/bench-run';
import { apiEnv, readyToRun, startBuiltApi, type BuiltApi } from '../support/built-api';
import { adminQuery, eventually, freePort, runLoadGenerator } from '../support/process-kit';
import { phoneOf } from './bench-data';
import type { LoadPlan, LoadResult } from './load-generator';
import { summariseProfile } from './profile-summary';

const ROOT = join(__dirname, '..', '..');
const OUT_DIR = join(__dirname, '.out');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 60_000);
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_DRAIN_TIMEOUT_SECONDS ?? 600) * 1000;
const PROFILE = process.env.BENCH_CPU_PROF === '1';
const WRITE_DOC = process.env.BENCH_WRITE_DOC !== '0';
const POOL_SIZE = Number(process.env.DATABASE_POOL_SIZE ?? 10);
/** `api` (default): the queue worker runs inside the API process; `separate`: in its own `dist/worker.js`. */
const WORKER: 'api' | 'separate' | 'after' =
  process.env.BENCH_WORKER === 'separate' || process.env.BENCH_WORKER === 'after'
    ? process.env.BENCH_WORKER
    : 'api';
const TARGET_PER_SECOND = 1000;
const TARGET_P99_MS = 50;

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://sms:sms@127.0.0.1:5432/sms_sequences';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SENDER = '+14155550100'; // the sandbox's demo number
const ACCOUNT_SID = 'AC00000000000000000000000000000001'; // the sandbox's demo Twilio account
const AUTH_TOKEN = 'sandbox-demo-auth-token-0000000001';

function log(line: string): void {
  process.stderr.write(`[bench:webhooks] ${line}\n`);
}

// ---- The tool and its conversations ------------------------------------------------------------

/** Two steps: any reply to the question moves on to the thanks (one outbound text, no Keap call). */
function benchTool(): ToolDefinition {
  return toolDefinitionSchema.parse({
    name: 'Webhook bench',
    sender: { kind: 'phone_number', phoneNumber: SENDER },
    keyword: 'BLUE',
    steps: [
      {
        id: 'question',
        name: 'Question',
        message: 'Which colour do you like? Text STOP to stop.',
        next: { kind: 'next' },
      },
      { id: 'thanks', name: 'Thanks', message: 'Thanks, noted!', next: { kind: 'finish' } },
    ],
  });
}

interface Seeded {
  accountId: string;
  toolId: string;
}

/**
 * One account (its Twilio connection sealed with the API's key), one published tool and
 * `count` conversations awaiting the reply to the first step, inserted directly: the state of
 * each is the engine's own start transition, so the API sees exactly what a start would leave.
 */
async function seed(url: string, secretsKey: string, count: number): Promise<Seeded> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const box = new SecretBox(secretsKey);
    const [account] = (
      await db.query(
        `INSERT INTO accounts (keap_app_name, name) VALUES ('bench', 'Bench') RETURNING id`,
      )
    ).rows;
    const accountId: string = account.id;
    await db.query(
      `INSERT INTO twilio_connections (account_id, account_sid, auth_token_sealed) VALUES ($1, $2, $3)`,
      [accountId, ACCOUNT_SID, box.seal(AUTH_TOKEN, sealedFor.twilioAuthToken(accountId))],
    );
    const definition = benchTool();
    const [tool] = (
      await db.query(
        `INSERT INTO tools (account_id, name, draft, url_secret, live_sender_key, live_keyword) VALUES ($1, $2, $3, $4, $5, 'BLUE') RETURNING id`,
        [
          accountId,
          definition.name,
          JSON.stringify(definition),
          randomBytes(24).toString('base64url'),
          `phone:${SENDER}`,
        ],
      )
    ).rows;
    const [version] = (
      await db.query(
        `INSERT INTO tool_versions (tool_id, account_id, version, definition) VALUES ($1, $2, 1, $3) RETURNING id`,
        [tool.id, accountId, JSON.stringify(definition)],
      )
    ).rows;
    await db.query(`UPDATE tools SET published_version_id = $2 WHERE id = $1`, [
      tool.id,
      version.id,
    ]);

    const at = new Date().toISOString();
    const chunk = 5_000;
    for (let from = 0; from < count; from += chunk) {
      const phones: string[] = [];
      const states: string[] = [];
      const contactIds: number[] = [];
      for (let i = from; i < Math.min(count, from + chunk); i++) {
        const phone = phoneOf(i);
        const contact = { id: 100_000 + i, fields: { FirstName: `Bench${i}` } };
        const started = advance(definition, null, { type: 'start_http', at, phone, contact });
        if (!started.state || started.state.status !== 'awaiting_reply')
          throw new Error('the bench tool did not start');
        phones.push(phone);
        states.push(JSON.stringify(started.state));
        contactIds.push(contact.id);
      }
      await db.query(
        `INSERT INTO conversations (account_id, tool_id, tool_version_id, phone, sender_key, contact_id, contact, state, status,
                                    current_step_id, trigger, started_at, last_activity_at, next_tick_at, expires_at)
         SELECT $1, $2, $3, p, $4, c, s::jsonb -> 'contact', s::jsonb, 'awaiting_reply', 'question', 'http_post', $5, $5,
                $5::timestamptz + interval '1 day', $5::timestamptz + interval '1 day'
           FROM unnest($6::text[], $7::int[], $8::text[]) AS t(p, c, s)`,
        [accountId, tool.id, version.id, `phone:${SENDER}`, at, phones, contactIds, states],
      );
    }
    return { accountId, toolId: tool.id };
  } finally {
    await db.end();
  }
}

// ---- The processes ---------------------------------------------------------------------------

function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return runLoadGenerator(
    join(__dirname, 'load-generator.ts'),
    JSON.stringify(plan),
    (plan.warmupMs + plan.durationMs) * 2 + 120_000,
  );
}

/**
 * The reference: node:http, the form body parsed, one INSERT ... RETURNING per request on a pool
 * of the same size as the API's, and the same TwiML answer. No framework, no signature check, no
 * queue: the floor of "one PostgreSQL round trip per webhook" on this machine.
 */
async function startReference(url: string, port: number): Promise<{ close(): Promise<void> }> {
  const pool = new Pool({ connectionString: url, max: POOL_SIZE });
  await pool.query(
    `CREATE TABLE IF NOT EXISTS bench_reference (id bigserial PRIMARY KEY, phone text NOT NULL, body text NOT NULL,
       provider_sid text UNIQUE, created_at timestamptz NOT NULL DEFAULT now())`,
  );
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      pool
        .query(
          `INSERT INTO bench_reference (phone, body, provider_sid) VALUES ($1, $2, $3) ON CONFLICT (provider_sid) DO NOTHING RETURNING id`,
          [params.get('From') ?? '', params.get('Body') ?? '', params.get('MessageSid')],
        )
        .then(
          () => {
            res.writeHead(200, { 'content-type': 'text/xml' });
            res.end('<?xml version="1.0" encoding="UTF-8"?><Response/>');
          },
          () => {
            res.writeHead(500);
            res.end();
          },
        );
    });
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

// ---- The machine and the report ---------------------------------------------------------------

function machine(): { nproc: number; cpu: string; node: string; kernel: string; memGiB: number } {
  let cpu = 'unknown CPU';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':')[1]?.trim() ?? cpu;
  } catch {
    // not Linux: leave it unknown
  }
  return {
    nproc: availableParallelism(),
    cpu,
    node: process.version,
    kernel: release(),
    memGiB: Math.round(totalmem() / 2 ** 30),
  };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface Report {
  date: string;
  machine: ReturnType<typeof machine>;
  loadBefore: number[];
  loadApi: number[];
  loadReference: number[];
  api: LoadResult;
  reference: LoadResult;
  drain: { replies: number; advanced: number; seconds: number; sendsQueued: number };
  profile: string | null;
}

function section(r: Report): string {
  const m = r.machine;
  const ratio = r.api.perSecond / r.reference.perSecond;
  const met = r.api.perSecond >= TARGET_PER_SECOND && r.api.p99Ms < TARGET_P99_MS;
  const lines = [
    '## Webhooks',
    '',
    'Signed Twilio inbound replies (`POST /hooks/twilio/sms`, `X-Twilio-Signature` computed with the',
    'twilio SDK against PUBLIC_URL, the 19 parameters Twilio sends) accepted per second (HTTP 200 with',
    'TwiML) and the latency of the answer, against the API as deployed (`node dist/main.js`, real',
    `AppModule, pino at \`warn\`, ${WORKER === 'api' ? 'the queue worker inside the API process as by default' : WORKER === 'separate' ? 'the queue worker in its own `dist/worker.js` process (RUN_WORKER_IN_API=false)' : 'the queue worker in its own `dist/worker.js` process started only when the load had ended (RUN_WORKER_IN_API=false): the webhook path alone, as with workers on other machines'}) on a fresh PostgreSQL`,
    `database, with ${fmt(CONVERSATIONS)} conversations awaiting a reply; each request is the one reply of one of`,
    `them. Load: a separate process, ${CONCURRENCY} keep-alive connections (closed loop), ${WARMUP_SECONDS} s warm-up then`,
    `${SECONDS} s measured. Reference, same run and same load: a bare \`node:http\` handler doing one`,
    `PostgreSQL \`INSERT … RETURNING\` per request on a pool of ${POOL_SIZE} (the API's pool size). Drain: after the`,
    'load, every accepted reply processed by the worker (each conversation advanced exactly once),',
    'timed from the end of the load. Run: `cd apps/api && pnpm bench:webhooks` (`bench/webhooks/run.ts`).',
    '',
    `Machine: ${m.cpu}, ${m.nproc} cores (shared with other engineers' test runs), ${m.memGiB} GiB, linux ${m.kernel}, Node.js ${m.node}.`,
    '',
    '| Date | Load (1 min) | What | Replies/s | p50 | p99 | Failed |',
    '| ---- | -----------: | ---- | --------: | --: | --: | -----: |',
    `| ${r.date} | ${fmt(r.loadApi[0] ?? 0, 1)} | API \`/hooks/twilio/sms\` | ${fmt(r.api.perSecond)} | ${fmt(r.api.p50Ms, 1)} ms | ${fmt(r.api.p99Ms, 1)} ms | ${r.api.failed} |`,
    `| ${r.date} | ${fmt(r.loadReference[0] ?? 0, 1)} | reference (node:http + 1 insert) | ${fmt(r.reference.perSecond)} | ${fmt(r.reference.p50Ms, 1)} ms | ${fmt(r.reference.p99Ms, 1)} ms | ${r.reference.failed} |`,
    '',
    `- API / reference: **${fmt(ratio, 2)}** of the reference's throughput.`,
    `- Target: ≥ ${fmt(TARGET_PER_SECOND)} replies/s with p99 < ${TARGET_P99_MS} ms: **${met ? 'met' : 'missed'}**.`,
    `- Drain: ${fmt(r.drain.replies)} replies stored (warm-up included), ${fmt(r.drain.advanced)} conversations advanced once, in **${fmt(r.drain.seconds, 1)} s** after the load ended (${fmt(r.drain.replies / Math.max(r.drain.seconds, 0.001))} replies/s processed after the load; ${WORKER === 'after' ? 'the worker started when the load ended' : 'the worker also processed replies during it'}). Nothing lost, nothing advanced twice.`,
    `- The replies' outbound texts (${fmt(r.drain.sendsQueued)}) then leave at the sender's rate (SEND_RATE_LONG_CODE, 1/s by default), which this benchmark does not wait for.`,
    `- Load average (1, 5, 15 min) before: ${r.loadBefore.map((n) => fmt(n, 1)).join(', ')}; at the end of the API load: ${r.loadApi.map((n) => fmt(n, 1)).join(', ')}.`,
  ];
  if (r.profile) lines.push('', r.profile);
  return `${lines.join('\n')}\n`;
}

function writeDoc(markdown: string): void {
  const docPath = join(ROOT, 'docs', 'benchmarks.md');
  const current = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf('\n## Webhooks');
  let next: string;
  if (start === -1) {
    next = `${current.trimEnd()}\n\n${markdown}`;
  } else {
    const after = current.indexOf('\n## ', start + 1);
    const old = current.slice(start, after === -1 ? undefined : after);
    // Hand-written analysis ("### Findings …") survives a new run: only the numbers are replaced.
    const findingsAt = old.indexOf('\n### Findings');
    const findings = findingsAt === -1 ? '' : `\n${old.slice(findingsAt + 1).trimEnd()}\n`;
    next = `${current.slice(0, start).trimEnd()}\n\n${markdown}${findings}${after === -1 ? '' : `\n${current.slice(after + 1)}`}`;
  }
  writeFileSync(docPath, next);
}

// ---- The run -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  readyToRun(OUT_DIR);
  const { stamp, dbName, dbUrl, redisPrefix, secretsKey } = aBenchRun('webhooks', DATABASE_URL);
  const loadBefore = loadavg();
  log(`load average ${loadBefore.map((n) => n.toFixed(2)).join(' ')}; creating database ${dbName}`);
  await adminQuery(DATABASE_URL, `CREATE DATABASE "${dbName}"`);

  const { sandbox, url: sandboxUrl, close: closeSandbox } = await startSandbox(createSandbox);

  const apiPort = await freePort();
  const publicUrl = `http://127.0.0.1:${apiPort}`;
  const profileFile = PROFILE ? join(OUT_DIR, `api-${stamp}.cpuprofile`) : null;
  let api: BuiltApi | null = null;
  let worker: BuiltApi | null = null;
  try {
    const env = {
      ...apiEnv({
        port: apiPort,
        publicUrl,
        databaseUrl: dbUrl,
        redisUrl: REDIS_URL,
        redisPrefix,
        secretsKey,
        sandboxUrl,
      }),
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      RUN_WORKER_IN_API: WORKER === 'api' ? 'true' : 'false',
    };
    // The worker has no HTTP listener: it is up once Nest has started (it logs nothing at warn).
    const startWorker = () =>
      startBuiltApi({
        entry: 'worker',
        env,
        url: publicUrl,
        logFile: join(OUT_DIR, `worker-${stamp}.log`),
      });
    api = await startBuiltApi({
      entry: 'main',
      env: { ...env, ...(profileFile ? { BENCH_CPU_PROF_FILE: profileFile } : {}) },
      url: publicUrl,
      logFile: join(OUT_DIR, `api-${stamp}.log`),
      nodeArgs: profileFile ? ['-r', join(__dirname, 'profile-preload.cjs')] : [],
    });
    if (WORKER === 'separate') worker = await startWorker();
    log(`API up at ${publicUrl}; seeding ${CONVERSATIONS} conversations`);
    await seed(dbUrl, secretsKey, CONVERSATIONS);
    for (const number of sandbox.twilio.numbers.values())
      number.smsUrl = `${publicUrl}/hooks/twilio/sms`;

    const basePlan = {
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      to: SENDER,
      firstPhone: 0,
      maxRequests: CONVERSATIONS,
      concurrency: CONCURRENCY,
      warmupMs: WARMUP_SECONDS * 1000,
      durationMs: SECONDS * 1000,
    };

    // Reference first, while the API is idle.
    const refPort = await freePort();
    const reference = await startReference(dbUrl, refPort);
    log(`reference: ${CONCURRENCY} connections, ${WARMUP_SECONDS}+${SECONDS} s`);
    const refResult = await runLoad({
      ...basePlan,
      targetUrl: `http://127.0.0.1:${refPort}/hooks/twilio/sms`,
      signedUrl: `http://127.0.0.1:${refPort}/hooks/twilio/sms`,
    });
    const loadReference = loadavg();
    await reference.close();
    log(`reference: ${JSON.stringify(refResult)}`);

    // The API.
    log(
      `API: ${CONCURRENCY} connections, ${WARMUP_SECONDS}+${SECONDS} s${PROFILE ? ' (CPU profile of the load window)' : ''}`,
    );
    const apiRun = runLoad({
      ...basePlan,
      targetUrl: `${publicUrl}/hooks/twilio/sms`,
      signedUrl: `${publicUrl}/hooks/twilio/sms`,
    });
    let profilerTimers: NodeJS.Timeout[] = [];
    if (PROFILE && api) {
      const child = api.child;
      // The generator needs a moment to start and sign; the window below is approximate and
      // lies inside the measured one.
      profilerTimers = [
        setTimeout(() => child.kill('SIGUSR2'), WARMUP_SECONDS * 1000 + 2_000),
        setTimeout(
          () => child.kill('SIGUSR2'),
          WARMUP_SECONDS * 1000 + 2_000 + SECONDS * 1000 * 0.6,
        ),
      ];
    }
    const apiResult = await apiRun;
    const loadApi = loadavg();
    const loadEnded = Date.now();
    log(`API: ${JSON.stringify(apiResult)}`);
    if (WORKER === 'after') worker = await startWorker();

    // The drain: every stored reply processed, every conversation that got one advanced once.
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    let drain: Report['drain'];
    let lastSeen = '';
    try {
      drain = await eventually(
        async () => {
          const { rows } = await db.query(
            `SELECT (SELECT count(*)::int FROM messages WHERE direction = 'in') AS replies,
                    (SELECT count(*)::int FROM messages WHERE direction = 'in' AND status = 'received') AS pending,
                    (SELECT count(*)::int FROM conversations WHERE current_step_id = 'thanks') AS advanced,
                    (SELECT count(*)::int FROM messages WHERE direction = 'out') AS sends`,
          );
          const row = rows[0] as {
            replies: number;
            pending: number;
            advanced: number;
            sends: number;
          };
          lastSeen = JSON.stringify(row);
          if (row.pending > 0 || row.advanced < row.replies) return undefined;
          return {
            replies: row.replies,
            advanced: row.advanced,
            seconds: (Date.now() - loadEnded) / 1000,
            sendsQueued: row.sends,
          };
        },
        'the queued replies to be processed',
        DRAIN_TIMEOUT_MS,
      ).catch((err: unknown) => {
        throw new Error(`${String(err)} (last seen: ${lastSeen})`);
      });
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM conversations WHERE (state->>'currentStepId') = 'thanks' AND current_step_id = 'thanks'`,
      );
      if ((rows[0] as { n: number }).n !== drain.advanced)
        throw new Error('conversation rows and states disagree');
      if (drain.replies < apiResult.sentOk)
        throw new Error(
          `${apiResult.sentOk} replies were accepted but only ${drain.replies} stored`,
        );
      if (drain.advanced !== drain.replies)
        throw new Error(`${drain.replies} replies but ${drain.advanced} conversations advanced`);
    } finally {
      await db.end();
    }
    log(`drain: ${JSON.stringify(drain)}`);

    let profile: string | null = null;
    if (profileFile) {
      for (const t of profilerTimers) clearTimeout(t);
      await eventually(
        async () => (existsSync(profileFile) ? true : undefined),
        'the CPU profile',
        30_000,
      );
      profile = summariseProfile(JSON.parse(readFileSync(profileFile, 'utf8')));
      process.stdout.write(`${profile}\n`);
    }

    const report: Report = {
      date: new Date().toISOString().slice(0, 10),
      machine: machine(),
      loadBefore,
      loadApi,
      loadReference,
      api: apiResult,
      reference: refResult,
      drain,
      profile,
    };
    writeFileSync(join(OUT_DIR, `result-${stamp}.json`), JSON.stringify(report, null, 2));
    const markdown = section(report);
    process.stdout.write(`\n${markdown}`);
    if (WRITE_DOC) writeDoc(markdown);
  } finally {
    await api?.stop();
    await worker?.stop();
    await closeSandbox();
    await adminQuery(DATABASE_URL, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await dropRedisKeys(REDIS_URL, redisPrefix);
  }
}

runBench(main);
