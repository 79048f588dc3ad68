import request from 'supertest';
import { createSandbox } from '../app';
import { DEMO_TENANT_ID, SANDBOX_KEAP_CLIENT } from '.';

const REDIRECT_URI = 'http://127.0.0.1:9/cb';

describe('Keap sandbox OAuth', () => {
  const { app, keap } = createSandbox({
    publicUrl: 'http://127.0.0.1:4010',
    keap: { accessTokenTtlSeconds: 60 },
  });

  async function decide(decision: 'allow' | 'deny'): Promise<URL> {
    const res = await request(app).post('/app/oauth/authorize').type('form').send({
      client_id: SANDBOX_KEAP_CLIENT.clientId,
      redirect_uri: REDIRECT_URI,
      state: 'abc',
      tenant_id: DEMO_TENANT_ID,
      decision,
    });
    expect(res.status).toBe(302);
    return new URL(res.headers.location ?? '');
  }

  it('shows a consent page naming the app with Allow and Deny', async () => {
    const res = await request(app).get('/app/oauth/authorize').query({
      client_id: SANDBOX_KEAP_CLIENT.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'full',
      state: 'abc',
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('SMS Sequences for Keap would like to access your Keap account');
    expect(res.text).toContain('value="allow"');
    expect(res.text).toContain('value="deny"');
  });

  it('redirects a denial with access_denied and the state', async () => {
    const url = await decide('deny');
    expect(Object.fromEntries(url.searchParams)).toEqual(
      expect.objectContaining({ error: 'access_denied', state: 'abc' }),
    );
  });

  it('a token-endpoint fault answers the next requests with 503 temporarily_unavailable, then recovers', async () => {
    const code = (await decide('allow')).searchParams.get('code');
    await request(app).post('/sandbox/keap/token-faults').send({ count: 1 }).expect(200);
    const exchange = () =>
      request(app).post('/token').type('form').send({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: SANDBOX_KEAP_CLIENT.clientId,
        client_secret: SANDBOX_KEAP_CLIENT.clientSecret,
      });
    const down = await exchange();
    expect([down.status, down.body.error]).toEqual([503, 'temporarily_unavailable']);
    // The failed request did not spend the code.
    expect((await exchange()).body.access_token).toEqual(expect.any(String));
    await request(app).post('/sandbox/keap/token-faults').send({ count: -1 }).expect(400);
  });

  it('exchanges a code once, rotates refresh tokens and expires access tokens', async () => {
    const code = (await decide('allow')).searchParams.get('code');
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI };
    const basic = Buffer.from(
      `${SANDBOX_KEAP_CLIENT.clientId}:${SANDBOX_KEAP_CLIENT.clientSecret}`,
    ).toString('base64');
    const first = await request(app)
      .post('/token')
      .set('Authorization', `Basic ${basic}`)
      .type('form')
      .send(form);
    expect(first.body).toEqual(
      expect.objectContaining({
        token_type: 'bearer',
        expires_in: 60,
        scope: `full|${DEMO_TENANT_ID}.infusionsoft.com`,
      }),
    );
    const reused = await request(app)
      .post('/token')
      .set('Authorization', `Basic ${basic}`)
      .type('form')
      .send(form);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');

    const refreshed = await request(app)
      .post('/token')
      .set('Authorization', `Basic ${basic}`)
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    const stale = await request(app)
      .post('/token')
      .set('Authorization', `Basic ${basic}`)
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(stale.body.error).toBe('invalid_grant');

    const ok = await request(app)
      .get('/crm/rest/v2/tags')
      .set('Authorization', `Bearer ${refreshed.body.access_token}`);
    expect(ok.status).toBe(200);
    keap.advanceClock(61_000);
    const expired = await request(app)
      .get('/crm/rest/v2/tags')
      .set('Authorization', `Bearer ${refreshed.body.access_token}`);
    expect(expired.status).toBe(401);
    expect(expired.body.fault.faultstring).toBe('Access Token expired');
  });
});
