import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { API_DIR, eventually } from './process-kit';

/** The API as deployed (`node dist/main.js`, `node dist/worker.js`), as the benches start it. */

/** Throws unless apps/api is built; makes the bench's output folder. */
export function readyToRun(outDir: string): void {
  if (!existsSync(join(API_DIR, 'dist', 'main.js')))
    throw new Error('apps/api/dist is missing: build the API first');
  mkdirSync(outDir, { recursive: true });
}

/** The API's env for a bench: production, pino at warn, Keap and Twilio in the sandbox. */
export function apiEnv(options: {
  port: number;
  publicUrl: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  secretsKey: string;
  sandboxUrl: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(options.port),
    PUBLIC_URL: options.publicUrl,
    DATABASE_URL: options.databaseUrl,
    DATABASE_MIGRATE_ON_START: 'true',
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.redisPrefix,
    SECRETS_KEY: options.secretsKey,
    KEAP_API_URL: `${options.sandboxUrl}/crm`,
    KEAP_TOKEN_URL: `${options.sandboxUrl}/token`,
    KEAP_CLIENT_ID: 'sandbox-keap-client-id',
    KEAP_CLIENT_SECRET: 'sandbox-keap-client-secret',
    KEAP_REFRESH_INTERVAL_SECONDS: '0',
    TWILIO_API_BASE_URL: options.sandboxUrl,
    DEMO_SEED: 'false',
  };
}

/** A built API process (`dist/main.js` or `dist/worker.js`) a bench started. */
export interface BuiltApi {
  child: ChildProcess;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s; closes its log. */
  stop(): Promise<void>;
}

/**
 * `node dist/<entry>.js` in apps/api with `env` on top of this process's, its output in `logFile`.
 * `main` resolves once `${url}/health` answers; the worker has no HTTP listener, so it resolves at
 * once (it logs nothing at warn).
 */
export async function startBuiltApi(options: {
  entry: 'main' | 'worker';
  env: Record<string, string>;
  url: string;
  logFile: string;
  /** Append to the log (a restarted API keeps one log). */
  appendLog?: boolean;
  /** Arguments to node before the script (e.g. `-r preload.cjs`). */
  nodeArgs?: string[];
}): Promise<BuiltApi> {
  const { entry, url, logFile } = options;
  const out = createWriteStream(logFile, { flags: options.appendLog ? 'a' : 'w' });
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), `dist/${entry}.js`], {
    cwd: API_DIR,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  if (entry === 'main')
    await eventually(
      async () => {
        if (exited) throw new Error(`the API exited at start (see ${logFile})`);
        const res = await fetch(`${url}/health`);
        return res.ok ? true : undefined;
      },
      'the API to answer /health',
      90_000,
    );
  return {
    child,
    async kill() {
      if (!exited) child.kill('SIGKILL');
      await gone;
    },
    async stop() {
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(timer);
      out.end();
    },
  };
}
