import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';

/**
 * One description of the database for the app, the migration CLI and the tests. Entities are found
 * by file name so a feature folder adds its own without touching this file. Schema
 * synchronisation is never used: migrations are checked in and run.
 */
export function databaseOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(__dirname, '..', '**', '*.entity.{js,ts}')],
    migrations: [join(__dirname, 'migrations', '*.{js,ts}')],
    migrationsTableName: 'migrations',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; no extension to install.
    uuidExtension: 'pgcrypto',
    extra: { max: poolSize },
  };
}
