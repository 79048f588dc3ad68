import { Global, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { ConfigModule } from '../../src/config/config.module';
import { loadConfig } from '../../src/config/config';
import { KeapClientFactory } from '../../src/keap/auth/keap-client.factory';
import { KeapTokensService } from '../../src/keap/auth/keap-tokens.service';
import { KeapBudgetModule } from '../../src/keap/budget/keap-budget.module';
import { RedisKeapBudget } from '../../src/keap/budget/redis-keap-budget';
import { KeapCrmProvider } from '../../src/keap/crm/keap-crm';
import { REDIS } from '../../src/redis/redis.module';
import { eventually } from '../runtime/runtime-harness';
import { aKeyPrefix, REDIS_URL } from '../support/keap-budget/keap-budget.testing';
import { KeapSandboxHarness } from '../support/keap-budget/keap-sandbox-harness';

const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * The runtime's contact reads (KeapCrmProvider) through the real shared budget (Redis) and the
 * Keap sandbox: a batch asks the budget for its one call, keeps taking the account's reads while
 * it waits, and spends exactly that grant, with the token read before it asked.
 */
describe('batched contact reads through the Keap budget', () => {
  let keap: KeapSandboxHarness;
  let app: INestApplication;
  let redis: Redis;
  let redisPrefix: string;
  const tokenReads: string[] = [];

  beforeAll(async () => {
    keap = await KeapSandboxHarness.start({ timeScale: 1, quotas: {}, accounts: ['acme'] });
    redisPrefix = `${aKeyPrefix()}:`;
    const config = loadConfig({
      REDIS_URL,
      SECRETS_KEY,
      REDIS_KEY_PREFIX: redisPrefix,
      KEAP_API_URL: `${keap.baseUrl}/crm`,
      KEAP_READ_BATCH_WINDOW_MS: '50',
      // One call a second: a batch that asks right after another call waits about a second.
      KEAP_BUDGET_PER_SECOND: '1',
    });
    redis = new Redis(REDIS_URL, { keyPrefix: redisPrefix });
    @Global()
    @Module({ providers: [{ provide: REDIS, useValue: redis }], exports: [REDIS] })
    class AppRedis {}
    const token = keap.tokens.get('acme') ?? '';
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.with(config), AppRedis, KeapBudgetModule],
      providers: [
        KeapClientFactory,
        KeapCrmProvider,
        {
          provide: KeapTokensService,
          useValue: {
            accessTokenFor: async (accountId: string) => {
              tokenReads.push(accountId);
              return token;
            },
            refreshAfterUnauthorized: async () => token,
          },
        },
      ],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    // The field model cached first, so that the reads below make the list calls alone.
    await app.get(KeapClientFactory).clientFor('acme').getContactModel();
  });

  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await keap?.close();
    const raw = new Redis(REDIS_URL);
    const keys = await raw.keys(`${redisPrefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    raw.disconnect();
  });

  const aContact = (name: string) => {
    const tenant = keap.sandbox.keap.tenant('acme');
    return Number(keap.sandbox.keap.createContact(tenant, { given_name: name }).contact.id);
  };
  const read = async (contactId: number) => {
    const crm = await app.get(KeapCrmProvider).crmFor('acme', { priority: 'interactive' });
    return crm.readContact(contactId);
  };
  const listCalls = () => keap.calls().byTenant['acme']?.listContacts ?? 0;

  it('keeps taking reads while its call waits for the budget, and makes that one call for all of them', async () => {
    const [ana, ben, cy] = [aContact('Ana'), aContact('Ben'), aContact('Cy')];
    const budget = app.get(RedisKeapBudget);
    const listsBefore = listCalls();
    const tokensBefore = tokenReads.length;
    // Another call takes this second's only slot, so the batch's call has to wait for the next.
    await budget.observe(
      await budget.acquire({ accountId: 'acme', priority: 'interactive', kind: 'tags.list' }),
      200,
      {},
    );
    const first = read(ana);
    await eventually(async () => {
      const { waiting } = await budget.getReport();
      return waiting.interactive === 1;
    }, 'the batch to wait in the budget for its call');
    // Starts arriving after the window, while the batch waits: they ride on its call.
    const later = [read(ben), read(cy), read(987_654)];
    const [a, b, c, missing] = await Promise.all([first, ...later]);
    expect([a?.fields.FirstName, b?.fields.FirstName, c?.fields.FirstName]).toEqual([
      'Ana',
      'Ben',
      'Cy',
    ]);
    expect(missing).toBeNull();
    expect(listCalls() - listsBefore).toBe(1);
    // Its token read once, before it asked the budget; not again once granted.
    expect(tokenReads.length - tokensBefore).toBe(1);
    // The grant it won was spent on that call, and answered: nothing held as in flight.
    const report = await budget.getReport();
    expect(report.accounts).toEqual([
      expect.objectContaining({
        accountId: 'acme',
        calls: expect.objectContaining({ 'contacts.list': 1, 'tags.list': 1 }),
      }),
    ]);
    expect(report.waiting).toEqual({ interactive: 0, background: 0 });
  });
});
