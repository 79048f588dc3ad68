import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { aPhone, keapContactsWithPhone, replyMatching, tagId, tagsOf } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

const API_DIR = join(__dirname, '..', '..');
const WORKER = join(API_DIR, 'dist', 'worker.js');

/** The newest modification time of the API's sources (what dist/ is built from). */
function newestSource(dir = join(API_DIR, 'src')): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** dist/worker.js as `pnpm --filter @sms-seq/api build` makes it, built now if older than src. */
function builtWorker(): string {
  if (!existsSync(WORKER) || statSync(WORKER).mtimeMs < newestSource()) {
    spawnSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: API_DIR,
        stdio: 'ignore',
      },
    );
  }
  if (!existsSync(WORKER)) throw new Error(`no ${WORKER}: build the API first`);
  return WORKER;
}

/**
 * The worker entry point as its own process: the API only answers webhooks (RUN_WORKER_IN_API
 * false) and a separate `node dist/worker.js` on the same PostgreSQL and Redis runs the
 * conversation.
 */
describe('runtime: the worker as its own process', () => {
  let h: RuntimeHarness;
  let worker: ChildProcess | null = null;
  let workerOutput = '';
  let workerEnv: NodeJS.ProcessEnv = {};
  let workerScript = '';

  beforeAll(async () => {
    const script = builtWorker();
    h = await startRuntime({ RUN_WORKER_IN_API: 'false' });
    const { accountId } = await h.connectedAccount();
    await h.publishedTool(accountId, {
      name: 'Apart',
      keyword: 'APART',
      collectEmailFirst: false,
      steps: [
        {
          id: 'color',
          name: 'Color',
          message: 'Do you like blue?',
          next: replyMatching(['*yes*'], {
            tagId: tagId(h.sandbox, 'Interested'),
            nextStepId: 'thanks',
          }),
        },
        { id: 'thanks', name: 'Thanks', message: 'Thanks!', next: { kind: 'finish' } },
      ],
    });
    // The deployment's settings, as the API process has them.
    const c = h.t.config;
    workerEnv = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: c.DATABASE_URL,
      DATABASE_MIGRATE_ON_START: 'false',
      REDIS_URL: c.REDIS_URL,
      REDIS_KEY_PREFIX: c.REDIS_KEY_PREFIX,
      SECRETS_KEY: c.SECRETS_KEY,
      PUBLIC_URL: c.PUBLIC_URL,
      KEAP_API_URL: c.KEAP_API_URL,
      KEAP_TOKEN_URL: c.KEAP_TOKEN_URL,
      KEAP_CLIENT_ID: c.KEAP_CLIENT_ID,
      KEAP_CLIENT_SECRET: c.KEAP_CLIENT_SECRET,
      KEAP_REFRESH_INTERVAL_SECONDS: '0',
      TWILIO_API_BASE_URL: c.TWILIO_API_BASE_URL,
      QUEUE_BACKOFF_MS: String(c.QUEUE_BACKOFF_MS),
      OUTBOX_RELAY_INTERVAL_MS: String(c.OUTBOX_RELAY_INTERVAL_MS),
      CONVERSATION_SWEEP_INTERVAL_MS: String(c.CONVERSATION_SWEEP_INTERVAL_MS),
      SEND_RATE_LONG_CODE: String(c.SEND_RATE_LONG_CODE),
      RUN_WORKER_IN_API: 'false', // the worker entry point runs its processors regardless
    };
    workerScript = script;
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker!.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await h?.close();
  });

  it('a keyword conversation runs end to end through the separate worker', async () => {
    const phone = aPhone();
    const answered = await h.text(phone, 'APART');
    expect(answered.deliveries[0]?.responseStatus).toBe(200);
    // The API stored the text and queued it; nothing in the API process handles it.
    const [stored] = await h.ds.query(
      `SELECT status FROM messages WHERE phone = $1 AND direction = 'in'`,
      [phone],
    );
    expect(stored.status).toBe('received');

    worker = spawn(process.execPath, [workerScript], { cwd: API_DIR, env: workerEnv });
    worker.stdout?.on('data', (d: Buffer) => (workerOutput += d.toString()));
    worker.stderr?.on('data', (d: Buffer) => (workerOutput += d.toString()));
    await eventually(
      () => h.textsTo(phone).length === 1,
      'the first question, from the worker',
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nworker output:\n${workerOutput}`);
    });

    await h.text(phone, 'Oh yes');
    await eventually(() => h.textsTo(phone).length === 2, 'the thanks');
    await h.text(phone, 'bye');
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'finished',
      'the conversation to finish',
    );
    const [contact] = keapContactsWithPhone(h.sandbox, phone);
    await eventually(
      () => tagsOf(h.sandbox, Number(contact!.id)).includes('Interested'),
      'the Interested tag',
    );
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual(['Do you like blue?', 'Thanks!']);
    expect(worker.exitCode).toBeNull();
  });
});
