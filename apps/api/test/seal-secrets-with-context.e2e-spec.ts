import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SecretBox, sealedFor } from '../src/crypto/secret-box';
import { databaseOptions } from '../src/database/database-options';
import { SealSecretsWithContext1796400000001 } from '../src/database/migrations/1796400000001-SealSecretsWithContext';
import { sealV1 } from './support/sealed-v1';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('the migration that binds every sealed secret to its row (v1 to v2)', () => {
  const appKey = randomBytes(32).toString('base64');
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

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
    return new SealSecretsWithContext1796400000001().up(runner).finally(() => runner.release());
  };

  /** An account with Keap tokens, Twilio credentials and a tool, every secret sealed as v1. */
  async function anAccountSealedAsV1(ds: DataSource, name: string) {
    const [{ id: accountId }] = await ds.query(
      `INSERT INTO accounts (keap_app_name) VALUES ($1) RETURNING id`,
      [name],
    );
    await ds.query(
      `INSERT INTO keap_connections (account_id, access_token_sealed, refresh_token_sealed, expires_at) VALUES ($1, $2, $3, now())`,
      [accountId, sealV1(appKey, `${name}-access`), sealV1(appKey, `${name}-refresh`)],
    );
    await ds.query(
      `INSERT INTO twilio_connections (account_id, account_sid, auth_token_sealed, api_key_sid, api_key_secret_sealed) VALUES ($1, $2, $3, 'SK1', $4)`,
      [
        accountId,
        `AC${randomBytes(16).toString('hex')}`,
        sealV1(appKey, `${name}-auth-token`),
        sealV1(appKey, `${name}-api-secret`),
      ],
    );
    const [{ id: toolId }] = await ds.query(
      `INSERT INTO tools (account_id, name, draft, url_secret) VALUES ($1, 'T', '{}', $2) RETURNING id`,
      [accountId, sealV1(appKey, `${name}-url-secret`)],
    );
    return { accountId: accountId as string, toolId: toolId as string };
  }

  const stored = async (ds: DataSource, accountId: string, toolId: string) => {
    const [k] = await ds.query(
      'SELECT access_token_sealed a, refresh_token_sealed r FROM keap_connections WHERE account_id = $1',
      [accountId],
    );
    const [t] = await ds.query(
      'SELECT auth_token_sealed t, api_key_secret_sealed s FROM twilio_connections WHERE account_id = $1',
      [accountId],
    );
    const [u] = await ds.query('SELECT url_secret u FROM tools WHERE id = $1', [toolId]);
    return { access: k.a, refresh: k.r, authToken: t.t, apiSecret: t.s, urlSecret: u.u } as Record<
      string,
      string
    >;
  };

  beforeEach(() => withDataSource(undefined, (ds) => ds.query('DELETE FROM accounts')));

  it('re-seals every v1 secret as v2 bound to its own row, which opens it and no other', async () => {
    await withDataSource(appKey, async (ds) => {
      const a = await anAccountSealedAsV1(ds, 'aa111');
      const b = await anAccountSealedAsV1(ds, 'bb222');
      await migrate(ds);
      const box = new SecretBox(appKey);
      const sa = await stored(ds, a.accountId, a.toolId);
      expect(Object.values(sa).every((v) => v.startsWith('v2.'))).toBe(true);
      expect(box.open(sa.access ?? '', sealedFor.keapAccessToken(a.accountId))).toBe(
        'aa111-access',
      );
      expect(box.open(sa.refresh ?? '', sealedFor.keapRefreshToken(a.accountId))).toBe(
        'aa111-refresh',
      );
      expect(box.open(sa.authToken ?? '', sealedFor.twilioAuthToken(a.accountId))).toBe(
        'aa111-auth-token',
      );
      expect(box.open(sa.apiSecret ?? '', sealedFor.twilioApiKeySecret(a.accountId))).toBe(
        'aa111-api-secret',
      );
      expect(box.open(sa.urlSecret ?? '', sealedFor.toolUrlSecret(a.toolId))).toBe(
        'aa111-url-secret',
      );
      // A's token copied into B's row does not open as B's.
      expect(() => box.open(sa.authToken ?? '', sealedFor.twilioAuthToken(b.accountId))).toThrow();
      const sb = await stored(ds, b.accountId, b.toolId);
      expect(box.open(sb.authToken ?? '', sealedFor.twilioAuthToken(b.accountId))).toBe(
        'bb222-auth-token',
      );
    });
  });

  it('needs no key when nothing is sealed as v1', async () => {
    await withDataSource(undefined, async (ds) => {
      await expect(migrate(ds)).resolves.toBeUndefined();
    });
  });

  it('refuses without the key, or with a key that does not open them, and changes nothing', async () => {
    const before = await withDataSource(appKey, async (ds) => {
      const a = await anAccountSealedAsV1(ds, 'cc333');
      return { ...a, sealed: await stored(ds, a.accountId, a.toolId) };
    });
    await withDataSource(undefined, async (ds) => {
      await expect(migrate(ds)).rejects.toThrow(
        /5 sealed secret\(s\) must be re-sealed .* run the migrations with SECRETS_KEY set/,
      );
    });
    await withDataSource(randomBytes(32).toString('base64'), async (ds) => {
      await expect(migrate(ds)).rejects.toThrow(/does not open .* it is not the app's key/);
      expect(await stored(ds, before.accountId, before.toolId)).toEqual(before.sealed);
    });
  });
});
