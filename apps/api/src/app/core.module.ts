import { type DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import type { AppConfig } from '../config/config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { KeapBudgetModule } from '../keap/budget/keap-budget.module';
import { LoggingModule } from '../logging/logging.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { RedisModule } from '../redis/redis.module';

/** What every process has: configuration, logs, metrics, PostgreSQL, Redis, accounts and the Keap budget. */
@Module({})
export class CoreModule {
  static with(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.with(config),
        LoggingModule,
        DatabaseModule,
        RedisModule,
        // Global: the public endpoints' guards resolve in whichever process declares them.
        RateLimitModule,
        // Global: one Prometheus registry per process (GET /metrics in the API).
        MetricsModule,
        AccountsModule,
        // Global: every Keap call of this process (API and worker) goes through the shared budget.
        KeapBudgetModule,
      ],
    };
  }
}
