import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SecretBox, sealedFor } from '../src/crypto/secret-box';
import { databaseOptions } from '../src/database/database-options';
import { SealToolUrlSecrets1796305740723 } from '../src/database/migrations/1796305740723-SealToolUrlSecrets';
import { sealV1 } from './support/sealed-v1';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('the migration that seals tool URL secrets stored in clear', () => {
  const appKey = randomBytes(32).toString('base64');
  let db: TestDatabase;
  let accountId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  /** Runs `fn` on a DataSource of the test database given `secretsKey` (none: as the tests migrate). */
  async function withDataSource<T>(
    secretsKey: string | undefined,
    fn: (ds: DataSource) => Promise<T>,
  ): Promise<T> {
    const ds = await new DataSource(databaseOptions(db.url, 2, secretsKey)).initialize();
    try {
      return await fn(ds);
    } finally {
      await ds.destroy();
    }
  }

  const migrate = (ds: DataSource) => {
    const runner = ds.createQueryRunner();
    return new SealToolUrlSecrets1796305740723().up(runner).finally(() => runner.release());
  };

  const aToolWithSecret = (ds: DataSource, stored: string): Promise<string> =>
    ds
      .query(
        `INSERT INTO tools (account_id, name, draft, url_secret) VALUES ($1, 'T', '{}', $2) RETURNING id`,
        [accountId, stored],
      )
      .then(([row]: { id: string }[]) => row?.id ?? '');

  const storedSecret = async (ds: DataSource, id: string): Promise<string> =>
    (await ds.query('SELECT url_secret s FROM tools WHERE id = $1', [id]))[0].s;

  beforeEach(async () => {
    await withDataSource(undefined, async (ds) => {
      await ds.query('DELETE FROM accounts');
      [{ id: accountId }] = await ds.query(
        `INSERT INTO accounts (keap_app_name) VALUES ('ab123') RETURNING id`,
      );
    });
  });

  it("seals each secret in clear with the app's key, and leaves sealed ones as they are", async () => {
    const box = new SecretBox(appKey);
    await withDataSource(appKey, async (ds) => {
      const sealedBefore = sealV1(appKey, 'AlreadySealedSecret0001');
      const alreadySealed = await aToolWithSecret(ds, sealedBefore);
      const inClear = await aToolWithSecret(ds, 'LegacySecretStoredInClear000001');
      await migrate(ds);
      expect(await storedSecret(ds, alreadySealed)).toBe(sealedBefore);
      const sealed = await storedSecret(ds, inClear);
      expect(sealed).toMatch(/^v2\./);
      expect(box.open(sealed, sealedFor.toolUrlSecret(inClear))).toBe(
        'LegacySecretStoredInClear000001',
      );
    });
  });

  it('needs no key when nothing is stored in clear', async () => {
    await withDataSource(undefined, async (ds) => {
      await aToolWithSecret(ds, sealV1(appKey, 'AlreadySealedSecret0001'));
      await expect(migrate(ds)).resolves.toBeUndefined();
    });
  });

  it('refuses without the key, saying which variable to set, and changes nothing', async () => {
    await withDataSource(undefined, async (ds) => {
      const inClear = await aToolWithSecret(ds, 'LegacySecretStoredInClear000001');
      await expect(migrate(ds)).rejects.toThrow(
        /1 tool URL secret\(s\) are stored in clear .* run the migrations with SECRETS_KEY set/,
      );
      expect(await storedSecret(ds, inClear)).toBe('LegacySecretStoredInClear000001');
    });
  });

  it('refuses a key that does not open the secrets the app sealed before', async () => {
    await withDataSource(appKey, async (ds) => {
      await aToolWithSecret(ds, sealV1(appKey, 'AlreadySealedSecret0001'));
      await aToolWithSecret(ds, 'LegacySecretStoredInClear000001');
    });
    await withDataSource(randomBytes(32).toString('base64'), async (ds) => {
      await expect(migrate(ds)).rejects.toThrow(/does not open the secrets already sealed/);
      expect(
        await ds.query(`SELECT count(*)::int n FROM tools WHERE url_secret LIKE 'v1.%'`),
      ).toEqual([{ n: 1 }]);
    });
  });
});
