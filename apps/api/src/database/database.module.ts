import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { databaseOptions } from './database-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // The secrets key too: a data migration seals secrets with the app's key.
        ...databaseOptions(config.DATABASE_URL, config.DATABASE_POOL_SIZE, config.SECRETS_KEY),
        // Checked-in migrations bring the schema up to date at start; never synchronize.
        migrationsRun: config.DATABASE_MIGRATE_ON_START,
      }),
    }),
  ],
})
export class DatabaseModule {}
