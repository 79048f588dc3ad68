import { DEMO_TENANT_ID, SECOND_TENANT_ID } from '@sms-seq/sandbox';
import request from 'supertest';
import { type ConfigApi, startConfigApi } from './support/config-api-harness';

describe('Connect Keap and the console session', () => {
  let api: ConfigApi;
  beforeAll(async () => {
    api = await startConfigApi();
  });
  afterAll(() => api.close());

  it('signs the user in to the account of the Keap app they connected', async () => {
    const a = await api.signIn(DEMO_TENANT_ID);
    const session = await a.agent.get('/api/session').expect(200);
    expect(session.body).toMatchObject({
      account: { keapAppName: DEMO_TENANT_ID, status: 'active', statusReason: null },
      keap: { connected: true },
      twilio: { connected: false, accountSid: null },
    });
    // Connecting again lands in the same account.
    const again = await api.signIn(DEMO_TENANT_ID);
    expect(again.accountId).toBe(a.accountId);
    const b = await api.signIn(SECOND_TENANT_ID);
    expect(b.accountId).not.toBe(a.accountId);
  });

  it('sets an httpOnly session cookie and a readable CSRF cookie', async () => {
    const agent = api.anonymous();
    const connect = await agent.get('/api/keap/connect').expect(302);
    const q = Object.fromEntries(new URL(connect.headers.location as string).searchParams);
    expect(q).toMatchObject({
      client_id: 'sandbox-keap-client-id',
      response_type: 'code',
      redirect_uri: 'http://api.test.local/api/keap/callback',
    });
    const allow = await request(api.sandbox.app)
      .post('/app/oauth/authorize')
      .type('form')
      .send({ ...q, tenant_id: DEMO_TENANT_ID, decision: 'allow' });
    const done = await agent
      .get(`/api/keap/callback${new URL(allow.headers.location as string).search}`)
      .expect(302);
    const cookies = ([] as string[]).concat(done.headers['set-cookie'] ?? []);
    expect(cookies.find((c) => c.startsWith('sms_session='))).toMatch(/HttpOnly/i);
    expect(cookies.find((c) => c.startsWith('sms_session='))).toMatch(/SameSite=Lax/i);
    expect(cookies.find((c) => c.startsWith('sms_csrf='))).not.toMatch(/HttpOnly/i);
  });

  it('refuses a callback whose state this browser was not given', async () => {
    const victim = api.anonymous();
    const attacker = api.anonymous();
    const connect = await attacker.get('/api/keap/connect').expect(302);
    const q = Object.fromEntries(new URL(connect.headers.location as string).searchParams);
    const allow = await request(api.sandbox.app)
      .post('/app/oauth/authorize')
      .type('form')
      .send({ ...q, tenant_id: DEMO_TENANT_ID, decision: 'allow' });
    const back = new URL(allow.headers.location as string);
    const res = await victim.get(`/api/keap/callback${back.search}`).expect(302);
    expect(res.headers.location).toBe('http://console.test.local/?error=oauth_state_mismatch');
    await victim.get('/api/session').expect(401);
    // A made-up state is refused too.
    const forged = await attacker
      .get(
        `/api/keap/callback?code=${back.searchParams.get('code')}&state=forged-state-forged-state-forged`,
      )
      .expect(302);
    expect(forged.headers.location).toContain('error=oauth_state_mismatch');
  });

  it('sends the user back to the console with the error when they deny access', async () => {
    const agent = api.anonymous();
    const connect = await agent.get('/api/keap/connect').expect(302);
    const q = Object.fromEntries(new URL(connect.headers.location as string).searchParams);
    const deny = await request(api.sandbox.app)
      .post('/app/oauth/authorize')
      .type('form')
      .send({ ...q, decision: 'deny' });
    const res = await agent
      .get(`/api/keap/callback${new URL(deny.headers.location as string).search}`)
      .expect(302);
    expect(res.headers.location).toBe('http://console.test.local/?error=keap_access_denied');
  });

  it('refuses requests without a session (401) and state changes without the CSRF header (403)', async () => {
    await api.anonymous().get('/api/session').expect(401);
    const a = await api.signIn(DEMO_TENANT_ID);
    await a.agent.post('/api/session/logout').expect(403);
    await a.agent.post('/api/session/logout').set('x-csrf-token', 'wrong').expect(403);
    await a.agent.post('/api/session/logout').set('x-csrf-token', a.csrf).expect(204);
    await a.agent.get('/api/session').expect(401);
  });

  it('never logs or answers a Keap token', async () => {
    await api.signIn(DEMO_TENANT_ID);
    const logs = api.logLines();
    expect(logs).toContain('Keap connected for account');
    const secrets = await api.storedSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
