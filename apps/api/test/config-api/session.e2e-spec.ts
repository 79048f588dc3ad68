import { DEMO_TENANT_ID, SECOND_TENANT_ID } from '@sms-seq/sandbox';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
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
    expect(consoleError(res)).toEqual({
      error: 'oauth_state_mismatch',
      error_description: expect.stringMatching(/Connect Keap again/),
    });
    await victim.get('/api/session').expect(401);
    // A made-up state is refused too.
    const forged = await attacker
      .get(
        `/api/keap/callback?code=${back.searchParams.get('code')}&state=forged-state-forged-state-forged`,
      )
      .expect(302);
    expect(consoleError(forged).error).toBe('oauth_state_mismatch');
  });

  /** Where the callback sent the browser: the console, with `error` and `error_description`. */
  const consoleError = (res: { headers: Record<string, unknown> }) => {
    const url = new URL(res.headers.location as string);
    expect(url.origin + url.pathname).toBe('http://console.test.local/');
    return Object.fromEntries(url.searchParams);
  };
  /** "Connect Keap" up to Keap's redirect back: the callback query this browser will bring. */
  const consent = async (agent: ReturnType<ConfigApi['anonymous']>, decision: 'allow' | 'deny') => {
    const connect = await agent.get('/api/keap/connect').expect(302);
    const q = Object.fromEntries(new URL(connect.headers.location as string).searchParams);
    const answer = await request(api.sandbox.app)
      .post('/app/oauth/authorize')
      .type('form')
      .send({ ...q, tenant_id: DEMO_TENANT_ID, decision })
      .expect(302);
    return new URL(answer.headers.location as string).searchParams;
  };

  it("sends the user back to the console with the error and Keap's reason when they deny access", async () => {
    const agent = api.anonymous();
    const back = await consent(agent, 'deny');
    const res = await agent.get(`/api/keap/callback?${back}`).expect(302);
    expect(consoleError(res)).toEqual({
      error: 'keap_access_denied',
      error_description: expect.stringMatching(/press Allow.*Keap said: "The user denied access"/),
    });
  });

  it("never shows Keap's words from a link this browser did not start (anyone can craft one)", async () => {
    const res = await api
      .anonymous()
      .get('/api/keap/callback?error=access_denied&error_description=Call+555-0100+to+unlock')
      .expect(302);
    expect(consoleError(res)).toEqual({
      error: 'keap_access_denied',
      error_description: expect.not.stringContaining('555'),
    });
  });

  it.each([
    ['server_error', 'keap_unavailable', /Wait a minute/],
    ['temporarily_unavailable', 'keap_unavailable', /Wait a minute/],
    ['invalid_scope', 'keap_app_misconfigured', /client settings/],
    ['unauthorized_client', 'keap_app_misconfigured', /client settings/],
    ['something_new', 'keap_error', /Connect Keap again/],
  ])("maps Keap's error %s to %s with what to do", async (keapError, code, todo) => {
    const agent = api.anonymous();
    const back = await consent(agent, 'deny');
    back.set('error', keapError);
    back.set('error_description', 'Details\u0007 from Keap');
    const res = await agent.get(`/api/keap/callback?${back}`).expect(302);
    expect(consoleError(res)).toEqual({
      error: code,
      error_description: expect.stringMatching(todo),
    });
    // Control characters never reach the console.
    expect(consoleError(res).error_description).toContain('Keap said: "Details from Keap"');
  });

  it('a code Keap no longer accepts (used already) answers keap_code_rejected', async () => {
    const agent = api.anonymous();
    const back = await consent(agent, 'allow');
    await agent.get(`/api/keap/callback?${back}`).expect(302);
    // The same code again, on a fresh sign-in of the same browser.
    const again = await consent(agent, 'allow');
    again.set('code', back.get('code') ?? '');
    const res = await agent.get(`/api/keap/callback?${again}`).expect(302);
    expect(consoleError(res)).toEqual({
      error: 'keap_code_rejected',
      error_description: expect.stringMatching(/Connect Keap again/),
    });
  });

  it("Keap's token endpoint down during sign-in answers keap_unavailable, and nothing is signed in", async () => {
    const agent = api.anonymous();
    const back = await consent(agent, 'allow');
    await request(api.sandbox.app)
      .post('/sandbox/keap/token-faults')
      .send({ count: 1 })
      .expect(200);
    const res = await agent.get(`/api/keap/callback?${back}`).expect(302);
    expect(consoleError(res)).toEqual({
      error: 'keap_unavailable',
      error_description: expect.stringMatching(/Keap did not answer/),
    });
    await agent.get('/api/session').expect(401);
  });

  it('refuses requests without a session (401) and state changes without the CSRF header (403)', async () => {
    await api.anonymous().get('/api/session').expect(401);
    const a = await api.signIn(DEMO_TENANT_ID);
    await a.agent.post('/api/session/logout').expect(403);
    await a.agent.post('/api/session/logout').set('x-csrf-token', 'wrong').expect(403);
    await a.agent.post('/api/session/logout').set('x-csrf-token', a.csrf).expect(204);
    await a.agent.get('/api/session').expect(401);
  });

  /** The raw session id the callback set in `agent`'s cookie. */
  const signInRaw = async (agent: ReturnType<ConfigApi['anonymous']>) => {
    const done = await agent.get(`/api/keap/callback?${await consent(agent, 'allow')}`).expect(302);
    const cookies = ([] as string[]).concat(done.headers['set-cookie'] ?? []);
    const cookie = (name: string) => new RegExp(`${name}=([^;]+)`).exec(cookies.join('\n'))?.[1];
    return { id: cookie('sms_session') ?? '', csrf: cookie('sms_csrf') ?? '', cookies };
  };

  it('keeps session ids in Redis only hashed: the raw id is in no key and no value', async () => {
    const agent = api.anonymous();
    const { id, csrf } = await signInRaw(agent);
    await agent.get('/api/session').expect(200);
    expect(id.length).toBeGreaterThan(20);
    const redis = new Redis(api.config.REDIS_URL);
    try {
      const dump = async () => {
        const keys = await redis.keys(`${api.config.REDIS_KEY_PREFIX}*`);
        const values = await Promise.all(
          keys.map(async (k) => {
            const type = await redis.type(k);
            if (type === 'string') return [await redis.get(k)];
            if (type === 'set') return redis.smembers(k);
            return [];
          }),
        );
        return { keys, text: [...keys, ...values.flat()].join('\n') };
      };
      const before = await dump();
      expect(before.keys.filter((k) => k.includes('session:'))).not.toEqual([]);
      expect(before.text).not.toContain(id);
      // Signing out removes the session and its place in the account's index.
      await agent.post('/api/session/logout').set('x-csrf-token', csrf).expect(204);
      const hashed = createHash('sha256').update(id).digest('base64url');
      expect(before.text).toContain(hashed);
      expect((await dump()).text).not.toContain(hashed);
    } finally {
      redis.disconnect();
    }
  });

  it('sets Secure cookies when PUBLIC_URL is https, whatever NODE_ENV', async () => {
    const https = await api.anotherInstance({ PUBLIC_URL: 'https://api.test.local' });
    const connect = await request(https.getHttpServer()).get('/api/keap/connect').expect(302);
    const stateCookie = ([] as string[]).concat(connect.headers['set-cookie'] ?? [])[0] ?? '';
    expect(stateCookie).toMatch(/; Secure/i);
    const q = Object.fromEntries(new URL(connect.headers.location as string).searchParams);
    const allow = await request(api.sandbox.app)
      .post('/app/oauth/authorize')
      .type('form')
      .send({ ...q, tenant_id: DEMO_TENANT_ID, decision: 'allow' });
    // Sent by hand: the test's agent, over http, would rightly keep a Secure cookie to itself.
    const done = await request(https.getHttpServer())
      .get(`/api/keap/callback${new URL(allow.headers.location as string).search}`)
      .set('Cookie', stateCookie.split(';')[0] ?? '')
      .expect(302);
    const cookies = ([] as string[]).concat(done.headers['set-cookie'] ?? []);
    for (const name of ['sms_session', 'sms_csrf'])
      expect(cookies.find((c) => c.startsWith(`${name}=`))).toMatch(/; Secure/i);
    // Over http (the tests' PUBLIC_URL), a browser would drop Secure cookies: none are set.
    const plain = await signInRaw(api.anonymous());
    expect(plain.cookies.join('\n')).not.toMatch(/Secure/i);
  });

  it('never puts a secret in a response or a log line', async () => {
    await api.signIn(DEMO_TENANT_ID);
    expect(api.logLines()).toContain('Keap connected for account');
    expect((await api.storedSecrets()).length).toBeGreaterThanOrEqual(4);
    await api.expectNoSecretsLeaked();
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    api.expectAnswersDocumented());
});
