import {
  DEMO_ACCOUNT_SID,
  DEMO_API_KEY_SECRET,
  DEMO_API_KEY_SID,
  DEMO_AUTH_TOKEN,
  DEMO_TENANT_ID,
  SECOND_TENANT_ID,
} from '@sms-seq/sandbox';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SecretBox, sealedFor } from '../../src/crypto/secret-box';
import { KeapDisconnectedError } from '../../src/keap/auth/keap-disconnected.error';
import { KeapTokensService } from '../../src/keap/auth/keap-tokens.service';
import { type Browser, type ConfigApi, startConfigApi } from './support/config-api-harness';

describe('Keap tokens, pickers and the Twilio connection', () => {
  let api: ConfigApi;
  let db: DataSource;
  let tokens: KeapTokensService;
  beforeAll(async () => {
    api = await startConfigApi();
    db = api.app.get(DataSource);
    tokens = api.app.get(KeapTokensService);
  });
  afterAll(() => api.close());

  const stored = async (accountId: string) => {
    const [row] = await db.query(
      'SELECT access_token_sealed a, refresh_token_sealed r, expires_at e FROM keap_connections WHERE account_id = $1',
      [accountId],
    );
    const box = api.app.get(SecretBox);
    return {
      access: box.open(row.a, sealedFor.keapAccessToken(accountId)),
      refresh: box.open(row.r, sealedFor.keapRefreshToken(accountId)),
      expiresAt: new Date(row.e),
    };
  };

  it('refreshes a token that expires soon, storing the new refresh token, once for concurrent callers', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    const before = await stored(a.accountId);
    expect(await tokens.accessTokenFor(a.accountId)).toBe(before.access);
    await db.query(
      "UPDATE keap_connections SET expires_at = now() + interval '1 minute' WHERE account_id = $1",
      [a.accountId],
    );
    const got = await Promise.all([1, 2, 3, 4].map(() => tokens.accessTokenFor(a.accountId)));
    const after = await stored(a.accountId);
    expect(new Set(got)).toEqual(new Set([after.access]));
    expect(after.access).not.toBe(before.access);
    expect(after.refresh).not.toBe(before.refresh);
    expect(after.expiresAt.getTime()).toBeGreaterThan(Date.now() + 60 * 60 * 1000);
  });

  it('the scheduled job refreshes tokens that are about to expire', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    const before = await stored(a.accountId);
    await db.query(
      "UPDATE keap_connections SET expires_at = now() + interval '2 minutes' WHERE account_id = $1",
      [a.accountId],
    );
    expect(await tokens.refreshDueTokens()).toBeGreaterThanOrEqual(1);
    expect((await stored(a.accountId)).refresh).not.toBe(before.refresh);
  });

  it('refreshes on a 401 and retries: the picker still loads', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    const box = api.app.get(SecretBox);
    await db.query('UPDATE keap_connections SET access_token_sealed = $2 WHERE account_id = $1', [
      a.accountId,
      box.seal('no-longer-valid-token', sealedFor.keapAccessToken(a.accountId)),
    ]);
    const res = await a.agent.get('/api/keap/tags?refresh=1').expect(200);
    expect(res.body.tags.map((t: { name: string }) => t.name)).toContain('Interested');
    expect((await stored(a.accountId)).access).not.toBe('no-longer-valid-token');
  });

  it('caches the pickers per account and refreshes them on request', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    const b = await api.signIn(SECOND_TENANT_ID);
    const fields = await a.agent.get('/api/keap/fields').expect(200);
    expect(fields.body.fields).toContainEqual(
      expect.objectContaining({ key: 'FirstName', custom: false }),
    );
    expect(fields.body.fields.some((f: { custom: boolean }) => f.custom)).toBe(true);
    await a.agent.get('/api/keap/tags?refresh=1').expect(200);
    const calls = () => JSON.stringify(api.sandbox.keap.callCounts());
    const before = calls();
    await a.agent.get('/api/keap/tags').expect(200);
    await a.agent.get('/api/keap/fields').expect(200);
    expect(calls()).toBe(before);
    const created = await a.agent
      .post('/api/keap/tags')
      .set('x-csrf-token', a.csrf)
      .send({ name: 'From the console' })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'From the console', id: expect.any(Number) });
    const again = await a.agent.get('/api/keap/tags').expect(200);
    expect(again.body.tags.map((t: { name: string }) => t.name)).toContain('From the console');
    // The other account's pickers are its own Keap app's.
    const bTags = await b.agent.get('/api/keap/tags').expect(200);
    expect(bTags.body.tags.map((t: { name: string }) => t.name)).not.toContain('From the console');
  });

  it('a revoked grant marks the account disconnected, with a reason, and signs out every one of its browsers', async () => {
    const b = await api.signIn(SECOND_TENANT_ID);
    const bElsewhere = await api.signIn(SECOND_TENANT_ID);
    const other = await api.signIn(DEMO_TENANT_ID);
    api.sandbox.keap.revokeGrants({ tenantId: SECOND_TENANT_ID });
    await db.query('UPDATE keap_connections SET expires_at = now() WHERE account_id = $1', [
      b.accountId,
    ]);
    await expect(tokens.accessTokenFor(b.accountId)).rejects.toBeInstanceOf(KeapDisconnectedError);
    const [account] = await db.query('SELECT status, status_reason r FROM accounts WHERE id = $1', [
      b.accountId,
    ]);
    expect(account).toEqual({ status: 'disconnected', r: expect.stringMatching(/revoked/) });
    await b.agent.get('/api/session').expect(401);
    await bElsewhere.agent.get('/api/tools').expect(401);
    await other.agent.get('/api/session').expect(200);
    // Connecting Keap again brings it back, in a new session.
    const again = await api.signIn(SECOND_TENANT_ID);
    expect((await again.agent.get('/api/session')).body.account.status).toBe('active');
    await b.agent.get('/api/session').expect(401);
  });

  it('refuses Twilio credentials Twilio does not accept, and saves nothing', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    const res = await a.agent
      .put('/api/twilio/connection')
      .set('x-csrf-token', a.csrf)
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: 'wrong-token' })
      .expect(400);
    expect(res.body.error.code).toBe('twilio_credentials_rejected');
    expect((await a.agent.get('/api/session')).body.twilio).toEqual({
      connected: false,
      status: null,
      statusReason: null,
      accountSid: null,
      apiKeySid: null,
    });
  });

  describe('with an API key', () => {
    const connect = (who: Browser, body: object) =>
      who.agent.put('/api/twilio/connection').set('x-csrf-token', who.csrf).send(body);
    const withKey = {
      accountSid: DEMO_ACCOUNT_SID,
      authToken: DEMO_AUTH_TOKEN,
      apiKeySid: DEMO_API_KEY_SID,
      apiKeySecret: DEMO_API_KEY_SECRET,
    };
    let a: Browser;
    beforeEach(async () => {
      a = await api.signIn(DEMO_TENANT_ID);
      await a.agent.delete('/api/twilio/connection').set('x-csrf-token', a.csrf).expect(204);
    });
    const notConnected = async () =>
      expect((await a.agent.get('/api/session')).body.twilio).toEqual({
        connected: false,
        status: null,
        statusReason: null,
        accountSid: null,
        apiKeySid: null,
      });

    it('checks the Auth Token too (it verifies every inbound text): a right key with a wrong token is refused', async () => {
      const res = await connect(a, { ...withKey, authToken: 'not-the-auth-token' }).expect(400);
      expect(res.body.error).toMatchObject({
        code: 'twilio_credentials_rejected',
        message: expect.stringMatching(/Auth Token/),
        details: { rejected: ['authToken'] },
      });
      await notConnected();
    });

    it('refuses a wrong API key secret, saying which credential to fix', async () => {
      const res = await connect(a, { ...withKey, apiKeySecret: 'not-the-secret' }).expect(400);
      expect(res.body.error).toMatchObject({
        code: 'twilio_credentials_rejected',
        message: expect.stringMatching(/API key/),
        details: { rejected: ['apiKeySid', 'apiKeySecret'] },
      });
      await notConnected();
    });

    it('refuses an API key SID without its secret (and the reverse) instead of falling back to the Auth Token', async () => {
      const { apiKeySecret: _secret, ...sidOnly } = withKey;
      const res = await connect(a, sidOnly).expect(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.details).toContainEqual(
        expect.objectContaining({
          path: ['apiKeySecret'],
          message: expect.stringMatching(/^Enter the API key secret/),
        }),
      );
      const { apiKeySid: _sid, ...secretOnly } = withKey;
      const other = await connect(a, secretOnly).expect(400);
      expect(other.body.error.details).toContainEqual(
        expect.objectContaining({ path: ['apiKeySid'] }),
      );
      await notConnected();
    });

    it('connects with a right key and a right token, and then calls Twilio as the API key', async () => {
      const seen = jest.spyOn(api.sandbox.twilio, 'authenticate');
      try {
        await connect(a, withKey).expect(200, { connected: true, accountSid: DEMO_ACCOUNT_SID });
        await a.agent.get('/api/twilio/senders').expect(200);
        const usernames = seen.mock.calls.map(([username]) => username);
        // The token was checked once at connect; everything after goes out as the key.
        expect(usernames).toContain(DEMO_API_KEY_SID);
        expect(usernames.at(-1)).toBe(DEMO_API_KEY_SID);
      } finally {
        seen.mockRestore();
      }
      const [row] = await db.query(
        'SELECT api_key_sid, api_key_secret_sealed FROM twilio_connections WHERE account_id = $1',
        [a.accountId],
      );
      expect(row.api_key_sid).toBe(DEMO_API_KEY_SID);
      expect((await a.agent.get('/api/session')).body.twilio).toEqual({
        connected: true,
        status: 'connected',
        statusReason: null,
        accountSid: DEMO_ACCOUNT_SID,
        apiKeySid: DEMO_API_KEY_SID,
      });
      expect(
        api.app
          .get(SecretBox)
          .open(row.api_key_secret_sealed, sealedFor.twilioApiKeySecret(a.accountId)),
      ).toBe(DEMO_API_KEY_SECRET);
    });
  });

  it('connects Twilio, lists senders, finds and buys a number pointed at this app', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    await a.agent
      .put('/api/twilio/connection')
      .set('x-csrf-token', a.csrf)
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN })
      .expect(200);
    expect((await a.agent.get('/api/session')).body.twilio).toEqual({
      connected: true,
      status: 'connected',
      statusReason: null,
      accountSid: DEMO_ACCOUNT_SID,
      apiKeySid: null,
    });
    const senders = await a.agent.get('/api/twilio/senders').expect(200);
    expect(senders.body.phoneNumbers.length).toBeGreaterThan(0);
    expect(senders.body.messagingServices[0]).toMatchObject({
      sid: expect.stringMatching(/^MG/),
      stickySender: expect.any(Boolean),
    });
    const available = await a.agent
      .get('/api/twilio/available-numbers?country=US&type=local')
      .expect(200);
    const pick = available.body.numbers[0].phoneNumber as string;
    const bought = await a.agent
      .post('/api/twilio/numbers')
      .set('x-csrf-token', a.csrf)
      .send({ phoneNumber: pick })
      .expect(201);
    expect(bought.body).toMatchObject({
      phoneNumber: pick,
      smsUrl: 'http://api.test.local/hooks/twilio/sms#rc=5&rp=5xx,ct,rt',
      connected: true,
    });
    // The same Twilio account cannot be connected to another Keap app.
    const b = await api.signIn(SECOND_TENANT_ID);
    await b.agent
      .put('/api/twilio/connection')
      .set('x-csrf-token', b.csrf)
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN })
      .expect(400);
    expect(api.logLines()).not.toContain(DEMO_AUTH_TOKEN);
  });

  it('a number Twilio will not sell (21422: bought by someone else meanwhile) is answered 409 twilio_refused with Twilio’s reason, not as an outage', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    await a.agent
      .put('/api/twilio/connection')
      .set('x-csrf-token', a.csrf)
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN })
      .expect(200);
    const available = await a.agent
      .get('/api/twilio/available-numbers?country=US&type=local')
      .expect(200);
    const pick = available.body.numbers[0].phoneNumber as string;
    const buy = () =>
      a.agent.post('/api/twilio/numbers').set('x-csrf-token', a.csrf).send({ phoneNumber: pick });
    await buy().expect(201);
    const owned = api.sandbox.twilio.numberByPhone(pick);

    // The list the marketer picked from is stale: the number is gone by the time they buy it.
    const refused = await buy().expect(409);
    expect(refused.body.error).toEqual({
      code: 'twilio_refused',
      message: `Twilio would not sell ${pick}: that number is no longer available. Pick another number.`,
      details: { phoneNumber: pick, twilioCode: 21422 },
    });
    // Nothing else was bought.
    expect(api.sandbox.twilio.numberByPhone(pick)).toEqual(owned);
  });

  it('Twilio refusing the saved Auth Token (rotated in Twilio) shows as rejected with the reason, until the current one is saved', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    const put = (body: object) =>
      a.agent.put('/api/twilio/connection').set('x-csrf-token', a.csrf).send(body);
    await put({ accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN }).expect(200);
    const twilioOf = async () => (await a.agent.get('/api/session').expect(200)).body.twilio;
    expect(await twilioOf()).toMatchObject({ connected: true, status: 'connected' });

    // The owner rotates the Auth Token in the Twilio Console.
    const rotated = 'rotated-demo-auth-token-000000042';
    await request(api.sandbox.app)
      .post(`/sandbox/twilio/accounts/${DEMO_ACCOUNT_SID}/auth-token`)
      .send({ authToken: rotated })
      .expect(200);
    const senders = await a.agent.get('/api/twilio/senders').expect(409);
    expect(senders.body.error).toEqual({
      code: 'twilio_credentials_rejected',
      message: expect.stringMatching(/rejected the saved credentials.*Change credentials/),
    });
    expect(await twilioOf()).toEqual({
      connected: true,
      status: 'rejected',
      statusReason: expect.stringMatching(
        new RegExp(
          `Auth Token of ${DEMO_ACCOUNT_SID} \\(error 20003, .*rotated.*enter the current Auth Token`,
        ),
      ),
      accountSid: DEMO_ACCOUNT_SID,
      apiKeySid: null,
    });
    // Buying a number is refused the same way, and nothing is bought.
    const bought = await a.agent
      .post('/api/twilio/numbers')
      .set('x-csrf-token', a.csrf)
      .send({ phoneNumber: '+12025550173' })
      .expect(409);
    expect(bought.body.error.code).toBe('twilio_credentials_rejected');
    expect(api.sandbox.twilio.numberByPhone('+12025550173')).toBeUndefined();

    // The old token still opens nothing; the current one is checked and saved: connected again.
    await put({ accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN }).expect(400);
    expect((await twilioOf()).status).toBe('rejected');
    await put({ accountSid: DEMO_ACCOUNT_SID, authToken: rotated }).expect(200);
    expect(await twilioOf()).toMatchObject({ status: 'connected', statusReason: null });
    await a.agent.get('/api/twilio/senders').expect(200);
  });

  it('a call Twilio accepts again clears the rejection (the token was put back in Twilio)', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    const token = api.sandbox.twilio.demoAccount.authToken;
    await a.agent
      .put('/api/twilio/connection')
      .set('x-csrf-token', a.csrf)
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: token })
      .expect(200);
    api.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, 'another-rotated-token-00000043');
    await a.agent.get('/api/twilio/senders').expect(409);
    expect((await a.agent.get('/api/session')).body.twilio.status).toBe('rejected');
    api.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, token);
    await a.agent.get('/api/twilio/senders').expect(200);
    expect((await a.agent.get('/api/session')).body.twilio).toMatchObject({
      status: 'connected',
      statusReason: null,
    });
  });

  it('never puts a secret in a response or a log line', () => api.expectNoSecretsLeaked());

  it('answers only as the OpenAPI document says (status and schema)', () =>
    api.expectAnswersDocumented());
});
