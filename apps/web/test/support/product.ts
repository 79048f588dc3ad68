import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * Starts the whole product for the console's browser tests, the way `pnpm start` does in
 * try-it-now mode: the sandbox (Twilio and Keap stand-ins), the built API (with its queue worker)
 * pointed at it, and `vite preview` of the built console, each on a free port, with a fresh
 * PostgreSQL database and its own Redis key prefix. Needs the packages built (`turbo run build`).
 * Child logs go to .run/web-e2e/<run>/.
 */

export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BASE_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://sms:sms@127.0.0.1:5432/sms_sequences';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The sandbox's OAuth client and demo Twilio account (apps/sandbox keap-sandbox.ts, twilio-seed.ts). */
export const SANDBOX_KEAP_CLIENT = {
  id: 'sandbox-keap-client-id',
  secret: 'sandbox-keap-client-secret',
};

export interface Product {
  consoleUrl: string;
  apiUrl: string;
  sandboxUrl: string;
  databaseUrl: string;
  /** The environment the API was started with (secrets included: never print it). */
  apiEnv: Record<string, string>;
  logDir: string;
  stop(): Promise<void>;
}

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
// The root's `pg` has no type package here; this is the little of it the harness uses.
const { Client } = createRequire(__filename)('pg') as {
  Client: new (options: { connectionString: string }) => PgClient;
};

export async function startProduct(): Promise<Product> {
  for (const built of [
    'apps/api/dist/main.js',
    'apps/sandbox/dist/main.js',
    'apps/web/dist/index.html',
  ]) {
    if (!existsSync(path.join(ROOT, built))) {
      throw new Error(
        `${built} is missing: build first (pnpm exec turbo run build --filter @sms-seq/web... --filter @sms-seq/api... --filter @sms-seq/sandbox...)`,
      );
    }
  }
  const run = `${Date.now()}-${randomBytes(3).toString('hex')}`;
  const logDir = path.join(ROOT, '.run', 'web-e2e', run);
  mkdirSync(logDir, { recursive: true });
  const [sandboxPort, apiPort, webPort] = await freePorts(3);
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const consoleUrl = `http://127.0.0.1:${webPort}`;
  const database = await createDatabase(`sms_web_e2e_${run.replace(/-/g, '_')}`);
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    await database.drop();
  };

  try {
    children.push(
      startChild(
        'sandbox',
        ['node', 'apps/sandbox/dist/main.js'],
        { SANDBOX_PORT: String(sandboxPort), SANDBOX_PUBLIC_URL: sandboxUrl, LOG_LEVEL: 'warn' },
        logDir,
      ),
    );
    await waitForHttp(`${sandboxUrl}/health`, 'the sandbox');

    const apiEnv: Record<string, string> = {
      NODE_ENV: 'test',
      PORT: String(apiPort),
      LOG_LEVEL: 'warn',
      PUBLIC_URL: apiUrl,
      CONSOLE_URL: consoleUrl,
      DATABASE_URL: database.url,
      DATABASE_MIGRATE_ON_START: 'true',
      REDIS_URL,
      REDIS_KEY_PREFIX: `web-e2e:${run}:`,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      KEAP_CLIENT_ID: SANDBOX_KEAP_CLIENT.id,
      KEAP_CLIENT_SECRET: SANDBOX_KEAP_CLIENT.secret,
      KEAP_AUTHORIZE_URL: `${sandboxUrl}/app/oauth/authorize`,
      KEAP_TOKEN_URL: `${sandboxUrl}/token`,
      KEAP_API_URL: `${sandboxUrl}/crm`,
      TWILIO_API_BASE_URL: sandboxUrl,
      DEMO_SEED: 'false',
      RUN_WORKER_IN_API: 'true',
    };
    children.push(startChild('api', ['node', 'apps/api/dist/main.js'], apiEnv, logDir));
    await waitForHttp(`${apiUrl}/health`, 'the API', 60_000);

    children.push(
      startChild(
        'web',
        [
          path.join(ROOT, 'apps/web/node_modules/.bin/vite'),
          'preview',
          '--port',
          String(webPort),
          '--strictPort',
          '--host',
          '127.0.0.1',
        ],
        { API_URL: apiUrl, WEB_PORT: String(webPort) },
        logDir,
        path.join(ROOT, 'apps/web'),
      ),
    );
    await waitForHttp(consoleUrl, 'the console');
    return { consoleUrl, apiUrl, sandboxUrl, databaseUrl: database.url, apiEnv, logDir, stop };
  } catch (error) {
    await stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)} (logs in ${logDir})`,
    );
  }
}

export async function createDatabase(
  name: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const withClient = async (sql: string) => {
    const client = new Client({ connectionString: BASE_DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await withClient(`CREATE DATABASE "${name}"`);
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      // FORCE ends the database's connections but may not end an autovacuum worker PostgreSQL
      // started on it (42501: this role may not signal it); that worker is done within moments.
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          return await withClient(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } catch (err) {
          if ((err as { code?: string }).code !== '42501' || Date.now() > deadline) throw err;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    },
  };
}

export function startChild(
  name: string,
  command: string[],
  env: Record<string, string>,
  logDir: string,
  cwd = ROOT,
): ChildProcess {
  const [bin, ...args] = command;
  const log = createWriteStream(path.join(logDir, `${name}.log`));
  // Its own process group, so stopping it also stops what it started.
  const child = spawn(bin ?? 'node', args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Polls a URL until it answers, with a deadline. */
export async function waitForHttp(url: string, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not start at ${url} within ${timeoutMs} ms (${last})`);
}
