import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../../redis/redis.module';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { KEAP_ACCOUNT_CACHE, RedisKeapAccountCache } from '../keap-account-cache';
import { loadKeapBudgetConfig } from '../../config/keap-budget.config';
import { KeapCallsHistogram } from './keap-budget.metrics';
import { KEAP_REQUEST_GATE } from './keap-request-gate';
import { RedisKeapBudget } from './redis-keap-budget';

/** The budget's own Redis connection: no ioredis keyPrefix (the Lua scripts build their keys). */
export const KEAP_BUDGET_REDIS = Symbol('KEAP_BUDGET_REDIS');
/** The same connection, for the per-conversation call tally the runtime keeps beside the budget. */
export const KEAP_TALLY_REDIS = Symbol('KEAP_TALLY_REDIS');

/**
 * What every Keap client of the process shares: the one Keap budget, as `RedisKeapBudget` and as
 * the request gate the clients are built with (`KEAP_REQUEST_GATE`, required), and the account
 * cache of what is read once per account (`KEAP_ACCOUNT_CACHE`: the field model, the note user).
 * Global: import it once, in AppModule. Limits come from the KEAP_BUDGET_* variables of the app's
 * configuration (see README.md).
 */
@Global()
@Module({
  providers: [
    {
      provide: KEAP_BUDGET_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Redis(config.REDIS_URL, { maxRetriesPerRequest: null }),
    },
    {
      provide: RedisKeapBudget,
      inject: [KEAP_BUDGET_REDIS, APP_CONFIG],
      useFactory: (redis: Redis, config: AppConfig) => {
        const { keyPrefix, config: budget } = loadKeapBudgetConfig(config);
        return new RedisKeapBudget(redis, {
          keyPrefix: `${config.REDIS_KEY_PREFIX}${keyPrefix}`,
          config: budget,
        });
      },
    },
    { provide: KEAP_REQUEST_GATE, useExisting: RedisKeapBudget },
    {
      provide: KEAP_ACCOUNT_CACHE,
      inject: [REDIS],
      // The REDIS client prefixes every key with REDIS_KEY_PREFIX itself (ioredis keyPrefix).
      useFactory: (redis: Redis) => new RedisKeapAccountCache(redis, ''),
    },
    { provide: KEAP_TALLY_REDIS, useExisting: KEAP_BUDGET_REDIS },
    KeapCallsHistogram,
  ],
  exports: [
    RedisKeapBudget,
    KEAP_REQUEST_GATE,
    KEAP_ACCOUNT_CACHE,
    KEAP_TALLY_REDIS,
    KeapCallsHistogram,
  ],
})
export class KeapBudgetModule implements OnApplicationShutdown {
  constructor(
    @Inject(RedisKeapBudget) private readonly budget: RedisKeapBudget,
    @Inject(KEAP_BUDGET_REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.budget.close();
    await this.redis.quit().catch(() => undefined);
  }
}
