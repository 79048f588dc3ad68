import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../../../src/config/config';

const DIST = join(__dirname, '../../../dist');
const WORKER = join(DIST, 'worker.js');
const RECORD_GRANTS = join(__dirname, 'record-grants.cjs');

export interface BudgetGrant {
  accountId: string;
  kind: string;
  priority: string;
  askedAt: number;
  grantedAt: number;
  pid: number;
}

export interface WorkerProcesses {
  /** Every grant the workers' budgets gave so far, oldest grant first. */
  grants(): BudgetGrant[];
  /** Their stderr (a worker that failed to start says why there). */
  output(): string;
  stop(): Promise<void>;
}

/** The app's checked configuration as the environment a process would be started with. */
export function configAsEnv(config: AppConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || value === null || typeof value === 'object') continue;
    env[key] = String(value);
  }
  return env;
}

/**
 * `count` separate worker processes of the built app (`dist/worker.js`, as `pnpm start:worker`
 * runs it) on the test's database and Redis, each logging its Keap budget's grants.
 */
export function startWorkerProcesses(count: number, env: Record<string, string>): WorkerProcesses {
  if (!existsSync(WORKER))
    throw new Error(`${WORKER} is missing: build the API first (pnpm --filter @sms-seq/api build)`);
  const files = Array.from({ length: count }, (_, i) =>
    join(tmpdir(), `keap-grants-${process.pid}-${Date.now()}-${i}.jsonl`),
  );
  let stderr = '';
  const children: ChildProcess[] = files.map((file) => {
    const child = spawn(process.execPath, ['-r', RECORD_GRANTS, WORKER], {
      env: {
        ...process.env,
        ...env,
        GRANT_LOG_FILE: file,
        GRANT_LOG_BUDGET_MODULE: join(DIST, 'keap/budget/redis-keap-budget.js'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    return child;
  });
  return {
    grants() {
      return files
        .flatMap((f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n') : []))
        .filter(Boolean)
        .map((line) => JSON.parse(line) as BudgetGrant)
        .sort((a, b) => a.grantedAt - b.grantedAt);
    },
    output: () => stderr,
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
              setTimeout(() => c.kill('SIGKILL'), 5000).unref();
            }),
        ),
      );
      for (const f of files) rmSync(f, { force: true });
    },
  };
}
