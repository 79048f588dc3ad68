import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { ConfigModule } from '../config/config.module';
import { loadConfig } from '../config/config';
import { KEAP_REQUEST_GATE } from '../keap-auth/keap-client.factory';
import { CRM_REQUEST_GATE } from '../crm/keap-crm';
import { KeapBudgetModule } from './keap-budget.module';
import { RedisKeapBudget } from './redis-keap-budget';
import { aKeyPrefix, REDIS_URL } from './testing/keap-budget.testing';

describe('KeapBudgetModule', () => {
  it("gives the Keap clients one shared budget, configured from the app's configuration", async () => {
    const keyPrefix = aKeyPrefix();
    const config = loadConfig({
      REDIS_URL,
      SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      KEAP_BUDGET_PER_MINUTE: '42',
      KEAP_BUDGET_KEY_PREFIX: keyPrefix,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.with(config), KeapBudgetModule],
    }).compile();
    const app = moduleRef.createNestApplication();
    app.enableShutdownHooks();
    await app.init();
    try {
      const budget = app.get(RedisKeapBudget);
      expect(app.get(KEAP_REQUEST_GATE)).toBe(budget);
      expect(app.get(CRM_REQUEST_GATE)).toBe(budget);
      await budget.acquire({ accountId: 'acme', priority: 'interactive', kind: 'contacts.get' });
      const report = await budget.getReport();
      expect(report.minute).toEqual({ limit: 42, used: 1, left: 41 });
    } finally {
      await app.close();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`*${keyPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
