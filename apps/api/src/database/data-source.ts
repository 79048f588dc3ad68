import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseOptions } from './database-options';

/** For the TypeORM CLI (`pnpm migrate`, `pnpm migration:generate`). */
export default new DataSource(
  databaseOptions(process.env.DATABASE_URL ?? 'postgres://sms:sms@127.0.0.1:5432/sms_sequences'),
);
