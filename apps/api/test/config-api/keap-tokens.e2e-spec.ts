import { DEMO_TENANT_ID, SECOND_TENANT_ID } from '@sms-seq/sandbox';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SecretBox, sealedFor } from '../../src/crypto/secret-box';
import { KeapTokenGrant } from '../../src/keap/auth/keap-token-grant';
import { KeapTokensService } from '../../src/keap/auth/keap-tokens.service';
import { type ConfigApi, eventually, startConfigApi } from './support/config-api-harness';

/**
 * Keap tokens across processes: one refresh per account however many instances ask, the
 * scheduled refresh in the background, a rotation by another process, and the token endpoint down.
 */
describe('Keap tokens: scheduled refresh, one refresh across processes, token endpoint outages', () => {
  let api: ConfigApi;
  let db: DataSource;
  let box: SecretBox;
  const third = 'sb303';
  beforeAll(async () => {
    api = await startConfigApi();
    db = api.app.get(DataSource);
    box = api.app.get(SecretBox);
    await request(api.sandbox.app)
      .post('/sandbox/keap/tenants')
      .send({ id: third, name: 'Third Company' })
      .expect((res) => expect(res.status).toBeLessThan(300));
  });
  afterAll(() => api.close());
  afterEach(() => request(api.sandbox.app).post('/sandbox/keap/token-faults').send({ count: 0 }));

  const stored = async (accountId: string) => {
    const [row] = await db.query(
      'SELECT access_token_sealed a, refresh_token_sealed r, expires_at e FROM keap_connections WHERE account_id = $1',
      [accountId],
    );
    return {
      access: box.open(row.a, sealedFor.keapAccessToken(accountId)),
      refresh: box.open(row.r, sealedFor.keapRefreshToken(accountId)),
      expiresAt: new Date(row.e),
    };
  };
  const expireSoon = (accountId: string) =>
    db.query(
      "UPDATE keap_connections SET expires_at = now() + interval '1 minute' WHERE account_id = $1",
      [accountId],
    );
  /** The refresh tokens the app sent to Keap's token endpoint, in order. */
  const refreshesSent = () => {
    const spy = jest.spyOn(api.sandbox.keap, 'exchangeToken');
    return {
      tokens: () =>
        spy.mock.calls
          .filter(([form]) => form.grant_type === 'refresh_token')
          .map(([form]) => form.refresh_token),
      restore: () => spy.mockRestore(),
    };
  };

  it('two app instances on one database and Redis refresh a due token once, and both get the new token', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    const other = await api.anotherInstance();
    const before = await stored(a.accountId);
    await expireSoon(a.accountId);
    const sent = refreshesSent();
    try {
      const here = api.app.get(KeapTokensService);
      const there = other.get(KeapTokensService);
      const got = await Promise.all(
        [here, there, here, there].map((s) => s.accessTokenFor(a.accountId)),
      );
      const after = await stored(a.accountId);
      expect(sent.tokens()).toEqual([before.refresh]);
      expect(new Set(got)).toEqual(new Set([after.access]));
      expect(after.access).not.toBe(before.access);
    } finally {
      sent.restore();
    }
  });

  it('another process rotating the tokens meanwhile is not a revoked grant: the stored tokens are used', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    await expireSoon(a.accountId);
    const grant = api.app.get(KeapTokenGrant);
    const realRefresh = grant.refresh.bind(grant);
    // Between our read and our request, "another process" spends the same refresh token.
    const spy = jest.spyOn(grant, 'refresh').mockImplementationOnce(async (refreshToken) => {
      const theirs = await realRefresh(refreshToken);
      await db.query(
        'UPDATE keap_connections SET access_token_sealed = $2, refresh_token_sealed = $3, expires_at = $4 WHERE account_id = $1',
        [
          a.accountId,
          box.seal(theirs.accessToken, sealedFor.keapAccessToken(a.accountId)),
          box.seal(theirs.refreshToken, sealedFor.keapRefreshToken(a.accountId)),
          theirs.expiresAt,
        ],
      );
      return realRefresh(refreshToken); // Keap: invalid_grant, that token is spent
    });
    try {
      const token = await api.app.get(KeapTokensService).accessTokenFor(a.accountId);
      expect(token).toBe((await stored(a.accountId)).access);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    const session = await a.agent.get('/api/session').expect(200);
    expect(session.body.account).toMatchObject({ status: 'active', statusReason: null });
    await a.agent.get('/api/keap/tags?refresh=1').expect(200);
  });

  it("Keap's token endpoint down answers 503 keap_unavailable (not a 500), and the account stays connected", async () => {
    const b = await api.signIn(SECOND_TENANT_ID);
    await expireSoon(b.accountId);
    await request(api.sandbox.app)
      .post('/sandbox/keap/token-faults')
      .send({ count: 5 })
      .expect(200);
    const res = await b.agent.get('/api/keap/fields?refresh=1').expect(503);
    expect(res.body.error).toEqual({
      code: 'keap_unavailable',
      message: expect.stringMatching(/try again in a minute/),
    });
    expect(res.headers['retry-after']).toBe('60');
    await request(api.sandbox.app)
      .post('/sandbox/keap/token-faults')
      .send({ count: 0 })
      .expect(200);
    expect((await b.agent.get('/api/session')).body.keap.connected).toBe(true);
    await b.agent.get('/api/keap/fields?refresh=1').expect(200);
  });

  it('the scheduled job, on a short interval, refreshes a due token in the background and skips tokens not due and disconnected accounts', async () => {
    const due = await api.signIn(DEMO_TENANT_ID);
    const notDue = await api.signIn(SECOND_TENANT_ID);
    const gone = await api.signIn(third);
    await expireSoon(due.accountId);
    await expireSoon(gone.accountId);
    await db.query(
      "UPDATE accounts SET status = 'disconnected', status_reason = 'Keap access was revoked or has expired.' WHERE id = $1",
      [gone.accountId],
    );
    const before = {
      due: await stored(due.accountId),
      notDue: await stored(notDue.accountId),
      gone: await stored(gone.accountId),
    };
    const sent = refreshesSent();
    try {
      await api.anotherInstance({ KEAP_REFRESH_INTERVAL_SECONDS: '1' });
      await eventually(async () => {
        expect((await stored(due.accountId)).refresh).not.toBe(before.due.refresh);
      }, 10_000);
      // The sweep that refreshed `due` saw the other two as well.
      expect(await stored(notDue.accountId)).toEqual(before.notDue);
      expect(await stored(gone.accountId)).toEqual(before.gone);
      expect(sent.tokens()).toEqual([before.due.refresh]);
      expect((await stored(due.accountId)).expiresAt.getTime()).toBeGreaterThan(
        Date.now() + 60 * 60 * 1000,
      );
    } finally {
      sent.restore();
    }
  });

  it('never puts a secret in a response or a log line', () => api.expectNoSecretsLeaked());

  it('answers only as the OpenAPI document says (status and schema)', () =>
    api.expectAnswersDocumented());
});
