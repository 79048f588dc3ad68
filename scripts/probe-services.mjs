// Exits 0 when the named service answers at its configured URL; used by scripts/lib.sh.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const which = process.argv[2];
const timeout = setTimeout(() => process.exit(2), 4000);
try {
  if (which === 'postgres') {
    const { Client } = require('pg');
    const client = new Client({
      connectionString: process.env.DATABASE_URL,
      connectionTimeoutMillis: 3000,
    });
    await client.connect();
    await client.query('select 1');
    await client.end();
  } else if (which === 'redis') {
    const Redis = require('ioredis');
    const redis = new Redis(process.env.REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    await redis.connect();
    await redis.ping();
    redis.disconnect();
  } else {
    throw new Error(`unknown service ${which}`);
  }
  clearTimeout(timeout);
  process.exit(0);
} catch (error) {
  console.error(String(error?.message ?? error));
  process.exit(1);
}
