import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { CRM_REQUEST_GATE } from '../crm/keap-crm';
import { KEAP_REQUEST_GATE } from '../keap-auth/keap-client.factory';
import { loadKeapBudgetConfig } from './keap-budget.config';
import { KEAP_TALLY_REDIS, KeapCallsPerConversation } from './keap-calls-per-conversation';
import { RedisKeapBudget } from './redis-keap-budget';

/** The budget's own Redis connection: no ioredis keyPrefix (the Lua scripts build their keys). */
export const KEAP_BUDGET_REDIS = Symbol('KEAP_BUDGET_REDIS');

/**
 * Provides the one shared Keap budget as `RedisKeapBudget` and as the request gate the Keap
 * clients take (`KEAP_REQUEST_GATE`, `CRM_REQUEST_GATE`). Global: import it once, in AppModule.
 * Limits come from the KEAP_BUDGET_* variables of the app's configuration (see README.md).
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
    { provide: CRM_REQUEST_GATE, useExisting: RedisKeapBudget },
    { provide: KEAP_TALLY_REDIS, useExisting: KEAP_BUDGET_REDIS },
    KeapCallsPerConversation,
  ],
  exports: [RedisKeapBudget, KEAP_REQUEST_GATE, CRM_REQUEST_GATE, KeapCallsPerConversation],
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
