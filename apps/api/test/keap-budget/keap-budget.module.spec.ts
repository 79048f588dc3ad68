import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { REDIS } from '../../src/redis/redis.module';
import { APP_CONFIG, ConfigModule } from '../../src/config/config.module';
import { loadConfig } from '../../src/config/config';
import { KeapCrmProvider } from '../../src/keap/crm/keap-crm';
import { KeapClientFactory } from '../../src/keap/auth/keap-client.factory';
import { KeapTokensService } from '../../src/keap/auth/keap-tokens.service';
import { KeapBudgetModule } from '../../src/keap/budget/keap-budget.module';
import { KEAP_REQUEST_GATE } from '../../src/keap/budget/keap-request-gate';
import { RedisKeapBudget } from '../../src/keap/budget/redis-keap-budget';
import { aKeyPrefix, REDIS_URL } from '../support/keap-budget/keap-budget.testing';
import { KeapSandboxHarness } from '../support/keap-budget/keap-sandbox-harness';

const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

/** The app's REDIS client, as RedisModule provides it (the account cache is built over it). */
function appRedis(keyPrefix: string) {
  const redis = new Redis(REDIS_URL, { keyPrefix });
  @Global()
  @Module({ providers: [{ provide: REDIS, useValue: redis }], exports: [REDIS] })
  class AppRedis {}
  return { redis, AppRedis };
}

async function dropKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(pattern);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

describe('KeapBudgetModule', () => {
  it("gives the Keap clients one shared budget, configured from the app's configuration", async () => {
    const keyPrefix = aKeyPrefix();
    const config = loadConfig({
      REDIS_URL,
      SECRETS_KEY,
      KEAP_BUDGET_PER_MINUTE: '42',
      KEAP_BUDGET_KEY_PREFIX: keyPrefix,
    });
    const { redis, AppRedis } = appRedis(`${keyPrefix}:app:`);
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.with(config), AppRedis, KeapBudgetModule],
    }).compile();
    const app = moduleRef.createNestApplication();
    app.enableShutdownHooks();
    await app.init();
    try {
      const budget = app.get(RedisKeapBudget);
      expect(app.get(KEAP_REQUEST_GATE)).toBe(budget);
      await budget.acquire({ accountId: 'acme', priority: 'interactive', kind: 'contacts.get' });
      const report = await budget.getReport();
      expect(report.minute).toEqual({ limit: 42, used: 1, left: 41 });
    } finally {
      await app.close();
      redis.disconnect();
      await dropKeys(`*${keyPrefix}:*`);
    }
  });

  it('builds every Keap client in one place: the console’s and the runtime’s share the budget and the field model read', async () => {
    const keap = await KeapSandboxHarness.start({ timeScale: 1, quotas: {}, accounts: ['acme'] });
    const redisPrefix = `${aKeyPrefix()}:`;
    const config = loadConfig({
      REDIS_URL,
      SECRETS_KEY,
      REDIS_KEY_PREFIX: redisPrefix,
      KEAP_API_URL: `${keap.baseUrl}/crm`,
    });
    const { redis, AppRedis } = appRedis(redisPrefix);
    const token = keap.tokens.get('acme') ?? '';
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.with(config), AppRedis, KeapBudgetModule],
      providers: [
        KeapClientFactory,
        KeapCrmProvider,
        {
          provide: KeapTokensService,
          useValue: {
            accessTokenFor: async () => token,
            refreshAfterUnauthorized: async () => token,
          },
        },
      ],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    try {
      const tenant = keap.sandbox.keap.tenant('acme');
      const { contact } = keap.sandbox.keap.createContact(tenant, {
        given_name: 'Ana',
        email_addresses: [{ email: 'ana@example.com', field: 'EMAIL1' }],
      });
      // The console's client (tags picker) reads the field model; the runtime's start then finds
      // it in the account cache, and both went through the one budget.
      const picker = app.get(KeapClientFactory).clientFor('acme', 'interactive');
      await picker.getContactModel();
      await picker.listTags();
      const crm = await app.get(KeapCrmProvider).crmFor('acme', { priority: 'interactive' });
      expect((await crm.readContact(Number(contact.id)))?.fields.FirstName).toBe('Ana');
      const calls = keap.calls();
      expect(calls.byTenant.acme).toEqual({
        retrieveContactModel: 1,
        listTags: 1,
        listContacts: 1,
      });
      const report = await app.get(RedisKeapBudget).getReport();
      expect(report.accounts).toEqual([
        expect.objectContaining({
          accountId: 'acme',
          total: calls.total,
          calls: { 'contacts.model': 1, 'tags.list': 1, 'contacts.list': 1 },
        }),
      ]);
    } finally {
      await app.close();
      redis.disconnect();
      await keap.close();
      await dropKeys(`${redisPrefix}*`);
    }
  });

  it('is required: without the budget a process cannot build a Keap client (none goes out ungated)', async () => {
    const config = loadConfig({ REDIS_URL, SECRETS_KEY });
    await expect(
      Test.createTestingModule({
        providers: [
          KeapClientFactory,
          { provide: APP_CONFIG, useValue: config },
          { provide: KeapTokensService, useValue: {} },
        ],
      }).compile(),
    ).rejects.toThrow(/KeapClientFactory/);
  });
});
