import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import Redis from 'ioredis';
import { freePort, withDatabase } from './process-kit';

/** A bench run's own resources: its names, the sandbox, its Redis keys; and how it ends. */

/** One run's own names, so that runs side by side never share a database or Redis keys. */
export interface BenchRun {
  /** In the run's file names. */
  stamp: string;
  dbName: string;
  /** The scratch database on the server of `databaseUrl`. */
  dbUrl: string;
  redisPrefix: string;
  /** The API's SECRETS_KEY. */
  secretsKey: string;
}

/** `bench_<name>_<stamp>` for the database, `bench:<name>:<stamp>:` for the Redis keys. */
export function aBenchRun(name: string, databaseUrl: string): BenchRun {
  const stamp = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const dbName = `bench_${name}_${stamp}`;
  return {
    stamp,
    dbName,
    dbUrl: withDatabase(databaseUrl, dbName),
    redisPrefix: `bench:${name}:${stamp}:`,
    secretsKey: randomBytes(32).toString('base64'),
  };
}

interface Listening {
  app: { listen(port: number, hostname: string, callback: () => void): Server };
}

/**
 * The sandbox Twilio and Keap in this process, on a free loopback port. `create` is the bench's
 * own createSandbox (the benches load it from the package or from its source).
 */
export async function startSandbox<S extends Listening>(
  create: (options: { publicUrl: string }) => S,
): Promise<{ sandbox: S; url: string; close(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sandbox = create({ publicUrl: url });
  const server: Server = await new Promise((resolve) => {
    const s = sandbox.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    sandbox,
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Removes a run's Redis keys (its own prefix only), a bounded scan. */
export async function dropRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    for (let rounds = 0; rounds < 100_000; rounds++) {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = nextCursor;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

/** Runs a bench's main: exits with its exit code (1 when a target is missed), or 1 on an error. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
