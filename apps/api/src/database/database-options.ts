import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';

/**
 * `secretsKey`: SECRETS_KEY, for the data migrations that seal secrets at rest (they must seal with
 * the app's key). TypeORM keeps options it does not know as they are given.
 */
export type AppDataSourceOptions = DataSourceOptions & { secretsKey?: string };

/**
 * One description of the database for the app, the migration CLI and the tests. Entities are found
 * by file name so a feature folder adds its own without touching this file. Schema
 * synchronisation is never used: migrations are checked in and run.
 */
export function databaseOptions(
  url: string,
  poolSize = 10,
  secretsKey?: string,
): AppDataSourceOptions {
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
    ...(secretsKey ? { secretsKey } : {}),
  };
}

/** The SECRETS_KEY the DataSource was given, if any (see AppDataSourceOptions). */
export function secretsKeyOf(options: DataSourceOptions): string | undefined {
  return (options as AppDataSourceOptions).secretsKey;
}
