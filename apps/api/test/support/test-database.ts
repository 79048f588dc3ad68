import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { databaseOptions } from '../../src/database/database-options';

const baseUrl = process.env.DATABASE_URL ?? 'postgres://sms:sms@127.0.0.1:5432/sms_sequences';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface TestDatabase {
  url: string;
  /** Drops the database (closing every connection to it first). */
  drop(): Promise<void>;
}

/**
 * A fresh PostgreSQL database for one test file, brought up to date by the checked-in migrations
 * (the same path production takes), so tests never share rows and never use synchronize.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sms_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(baseUrl, name);
  const dataSource = new DataSource(databaseOptions(url));
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  return {
    url,
    async drop() {
      const client = new Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await dropForcing(client, name);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * FORCE ends the database's connections, but not an autovacuum worker PostgreSQL itself started
 * on it (42501 for a role that may not signal it): that worker is done within moments, so the
 * drop is tried again for a few seconds.
 */
async function dropForcing(client: Client, name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '42501' || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
