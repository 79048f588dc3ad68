import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseOptions } from './database-options';

/**
 * For the TypeORM CLI (`pnpm migrate`, `pnpm migration:generate`). SECRETS_KEY, the app's, is
 * needed only by a migration that seals secrets stored in clear (it refuses to run without it).
 */
export default new DataSource(
  databaseOptions(
    process.env.DATABASE_URL ?? 'postgres://sms:sms@127.0.0.1:5432/sms_sequences',
    undefined,
    process.env.SECRETS_KEY,
  ),
);
