import {
  DEMO_TENANT_ID,
  SECOND_ACCOUNT_SID,
  SECOND_AUTH_TOKEN,
  SECOND_NUMBER,
  SECOND_TENANT_ID,
} from '@sms-seq/sandbox';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SessionStore } from '../../src/session/session.store';
import { type Browser, type ConfigApi, startConfigApi } from './support/config-api-harness';
import { aPublishableTool } from './support/tool-builder';

describe('Keap outages and a disconnected account, as the console sees them', () => {
  let api: ConfigApi;
  beforeAll(async () => {
    api = await startConfigApi();
  });
  afterAll(() => api.close());
  afterEach(() => api.sandbox.keap.failNextCalls(0));

  const accountStatus = async (accountId: string) =>
    (
      await api.app
        .get(DataSource)
        .query('SELECT status, status_reason reason FROM accounts WHERE id = $1', [accountId])
    )[0];

  /** A browser with a session made straight in the store, as the sign-in makes it. */
  const sessionOf = async (accountId: string): Promise<Browser> => {
    const { id, session } = await api.app.get(SessionStore).create(accountId);
    const agent = request
      .agent(api.app.getHttpServer())
      .set('Cookie', `sms_session=${id}; sms_csrf=${session.csrfToken}`);
    return { agent, csrf: session.csrfToken, accountId };
  };

  /** Keap's next `count` REST calls answer 503, through the sandbox's control API. */
  const keapDown = (count = 50) =>
    request(api.sandbox.app).post('/sandbox/keap/faults').send({ count, status: 503 }).expect(200);

  it.each(['fields', 'tags'])(
    'a Keap outage on the %s picker with nothing cached answers 503 keap_unavailable',
    async (picker) => {
      const a = await api.signIn(DEMO_TENANT_ID);
      await keapDown();
      const res = await a.agent.get(`/api/keap/${picker}?refresh=1`).expect(503);
      expect(res.body.error).toEqual({
        code: 'keap_unavailable',
        message: expect.stringMatching(/Keap did not answer.*try again in a minute/),
      });
      expect(res.headers['retry-after']).toBe('60');
    },
  );

  it.each(['fields', 'tags'])(
    'a Keap outage on a refresh of the %s picker serves the last known list, marked stale',
    async (picker) => {
      const a = await api.signIn(DEMO_TENANT_ID);
      const fresh = await a.agent.get(`/api/keap/${picker}?refresh=1`).expect(200);
      expect(fresh.body.stale).toBeUndefined();
      await keapDown();
      const res = await a.agent.get(`/api/keap/${picker}?refresh=1`).expect(200);
      expect(res.body).toEqual({ [picker]: fresh.body[picker], stale: true });
      api.sandbox.keap.failNextCalls(0);
      expect(
        (await a.agent.get(`/api/keap/${picker}?refresh=1`).expect(200)).body.stale,
      ).toBeUndefined();
    },
  );

  it('"create tag" during an outage answers 503 and creates nothing', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    await keapDown();
    const res = await a.agent
      .post('/api/keap/tags')
      .set('x-csrf-token', a.csrf)
      .send({ name: 'Made in an outage' })
      .expect(503);
    expect(res.body.error.code).toBe('keap_unavailable');
    api.sandbox.keap.failNextCalls(0);
    const tags = await a.agent.get('/api/keap/tags?refresh=1').expect(200);
    expect(tags.body.tags.map((t: { name: string }) => t.name)).not.toContain('Made in an outage');
  });

  it("Keap refusing a picker even with a fresh token marks the account disconnected and ends the account's sessions, until Keap is connected again", async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    const other = await api.signIn(SECOND_TENANT_ID);
    // The call and its retry after a token refresh both answer 401.
    api.sandbox.keap.failNextCalls(2, 401);
    const res = await a.agent.get('/api/keap/tags?refresh=1').expect(409);
    expect(res.body.error).toEqual({
      code: 'keap_disconnected',
      message: expect.stringMatching(/refused our access.*Connect Keap again/),
    });
    await a.agent.get('/api/session').expect(401);
    await other.agent.get('/api/session').expect(200);
    expect(await accountStatus(a.accountId)).toEqual({
      status: 'disconnected',
      reason: expect.stringMatching(/Keap refused our access/),
    });
    const again = await api.signIn(DEMO_TENANT_ID);
    expect((await again.agent.get('/api/session')).body.keap.connected).toBe(true);
  });

  it("Keap refusing the app's own client credentials is the app's misconfiguration: 503 saying so, logged, and the account stays connected", async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    // The same deployment with a wrong KEAP_CLIENT_SECRET; the token is due, so it refreshes.
    const misconfigured = await api.anotherInstance({
      KEAP_CLIENT_SECRET: 'not-the-client-secret',
    });
    await api.app
      .get(DataSource)
      .query('UPDATE keap_connections SET expires_at = now() WHERE account_id = $1', [a.accountId]);
    const { id } = await misconfigured.get(SessionStore).create(a.accountId);
    const res = await request(misconfigured.getHttpServer())
      .get('/api/keap/tags?refresh=1')
      .set('Cookie', `sms_session=${id}`)
      .expect(503);
    expect(res.body.error).toEqual({
      code: 'keap_app_misconfigured',
      message: expect.stringMatching(/app's own credentials.*not with your Keap account/),
    });
    expect(api.logLines()).toMatch(
      /refused the app's client credentials.*no account was disconnected/,
    );
    const session = await a.agent.get('/api/session').expect(200);
    expect(session.body.account).toMatchObject({ status: 'active', statusReason: null });
    expect(session.body.keap.connected).toBe(true);
    // The right credentials refresh the same token.
    await a.agent.get('/api/keap/tags?refresh=1').expect(200);
  });

  describe('when the Keap grant is revoked', () => {
    let b: Browser;
    let toolId: string;
    beforeAll(async () => {
      b = await api.signIn(SECOND_TENANT_ID);
      const created = await b.agent
        .post('/api/tools')
        .set('x-csrf-token', b.csrf)
        .send({ name: 'Colour survey' })
        .expect(201);
      toolId = created.body.id;
      await b.agent
        .put(`/api/tools/${toolId}`)
        .set('x-csrf-token', b.csrf)
        .send({
          draft: {
            ...aPublishableTool(),
            sender: { kind: 'phone_number', phoneNumber: SECOND_NUMBER },
          },
          draftRevision: 1,
        })
        .expect(200);
      await b.agent
        .post(`/api/tools/${toolId}/enabled`)
        .set('x-csrf-token', b.csrf)
        .send({ enabled: false })
        .expect(200);
      api.sandbox.keap.revokeGrants({ tenantId: SECOND_TENANT_ID });
    });

    it('a picker answers 409 keap_disconnected telling the user to connect Keap again', async () => {
      const res = await b.agent.get('/api/keap/tags?refresh=1').expect(409);
      expect(res.body.error).toEqual({
        code: 'keap_disconnected',
        message: expect.stringMatching(/Connect Keap again/),
      });
    });

    it('signs the browser out, and the account is stored as disconnected with the reason', async () => {
      await b.agent.get('/api/session').expect(401);
      expect(await accountStatus(b.accountId)).toEqual({
        status: 'disconnected',
        reason: expect.stringMatching(/revoked/),
      });
    });

    it('publishing or enabling its tools answers 409 with the reason; disabling still works', async () => {
      // A session that outlived the disconnect (made while it happened) still cannot put tools live.
      b = await sessionOf(b.accountId);
      const publish = await b.agent
        .post(`/api/tools/${toolId}/publish`)
        .set('x-csrf-token', b.csrf)
        .expect(409);
      expect(publish.body.error).toEqual({
        code: 'keap_disconnected',
        message: expect.stringMatching(/revoked.*Connect Keap again/),
      });
      await b.agent.get(`/api/tools/${toolId}/versions`).expect(200, { versions: [] });
      const enable = await b.agent
        .post(`/api/tools/${toolId}/enabled`)
        .set('x-csrf-token', b.csrf)
        .send({ enabled: true })
        .expect(409);
      expect(enable.body.error.code).toBe('keap_disconnected');
      const disable = await b.agent
        .post(`/api/tools/${toolId}/enabled`)
        .set('x-csrf-token', b.csrf)
        .send({ enabled: false })
        .expect(200);
      expect(disable.body.enabled).toBe(false);
    });

    it('connecting Keap again lets the tool be published', async () => {
      b = await api.signIn(SECOND_TENANT_ID);
      // Its own Twilio account, whose number the tool texts from (publishing checks it).
      await b.agent
        .put('/api/twilio/connection')
        .set('x-csrf-token', b.csrf)
        .send({ accountSid: SECOND_ACCOUNT_SID, authToken: SECOND_AUTH_TOKEN })
        .expect(200);
      await b.agent.post(`/api/tools/${toolId}/publish`).set('x-csrf-token', b.csrf).expect(201);
    });
  });

  it('never puts a secret in a response or a log line', () => api.expectNoSecretsLeaked());

  it('answers only as the OpenAPI document says (status and schema)', () =>
    api.expectAnswersDocumented());
});
