import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * What the benches share to start processes and wait on them: ports, polling, scratch databases,
 * the load generators.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `check` until it answers something other than undefined; its last error says why it did not. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The same server's URL with another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** One statement on the server behind `databaseUrl` (CREATE/DROP DATABASE), on its own connection. */
export async function adminQuery(databaseUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** apps/api: the built API, and the tsx the load generators run with. */
export const API_DIR = join(__dirname, '..', '..', 'apps', 'api');

/**
 * Runs a load generator (`tsx script arg`) in its own process and answers the JSON on the last
 * line it prints.
 */
export function runLoadGenerator<R>(script: string, arg: string, timeoutMs: number): Promise<R> {
  const tsxCli = require.resolve('tsx/cli', { paths: [API_DIR] });
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [tsxCli, script, arg],
      { timeout: timeoutMs, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`load generator failed: ${String(err)} ${stderr}`));
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as R);
        } catch {
          reject(new Error(`load generator printed no result: ${stdout} ${stderr}`));
        }
      },
    );
  });
}
