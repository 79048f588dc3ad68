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
        ...databaseOptions(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        // Checked-in migrations bring the schema up to date at start; never synchronize.
        migrationsRun: config.DATABASE_MIGRATE_ON_START,
      }),
    }),
  ],
})
export class DatabaseModule {}
