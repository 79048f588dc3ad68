import request from 'supertest';
import { createSandbox, DEMO_TENANT_ID, SANDBOX_KEAP_CLIENT, type Sandbox } from '@sms-seq/sandbox';
import { readKeapRateHeaders } from '../../src/keap/budget/keap-rate-headers';

const DAY = 86_400_000;
const OPTIONS = { defaultBackoffMs: 5_000, maxBackoffMs: 2 * DAY };

/**
 * The budget reads real Keap answers: the sandbox answers 429 as Keap does (no Retry-After, the
 * day quota's expiry time, no expiry for the minute throttles), and the pause follows from that.
 */
describe('the budget’s pause after a 429 the Keap sandbox answers as Keap does', () => {
  let sandbox: Sandbox;
  let token: string;

  beforeEach(async () => {
    sandbox = createSandbox({ publicUrl: 'http://127.0.0.1:4010' });
    const code = sandbox.keap.issueAuthorizationCode({
      clientId: SANDBOX_KEAP_CLIENT.clientId,
      redirectUri: 'http://127.0.0.1:9/cb',
      tenantId: DEMO_TENANT_ID,
    });
    const tokens = await request(sandbox.app).post('/token').type('form').send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1:9/cb',
      client_id: SANDBOX_KEAP_CLIENT.clientId,
      client_secret: SANDBOX_KEAP_CLIENT.clientSecret,
    });
    token = tokens.body.access_token;
  });

  const listTags = () =>
    request(sandbox.app).get('/crm/rest/v2/tags').set('Authorization', `Bearer ${token}`);

  it('waits until the day quota’s expiry time (00:00 UTC) when the day quota is gone', async () => {
    sandbox.keap.setQuotas({ appPerDay: 1 });
    expect((await listTags()).status).toBe(200);
    const refused = await listTags();
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeUndefined();

    const now = sandbox.keap.now();
    const reading = readKeapRateHeaders(429, refused.headers as Record<string, string>, {
      nowMs: now,
      ...OPTIONS,
    });

    const midnight = (Math.floor(now / DAY) + 1) * DAY;
    expect(reading.pauseMs).toBe(midnight - now);
    expect(reading.windows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ scope: 'app', unit: 'day', available: 0, expiresAt: midnight }),
      ]),
    );
  });

  it('falls back to the default backoff for a minute throttle, which names no expiry', async () => {
    sandbox.keap.setQuotas({ appPerMinute: 1 });
    await listTags();
    const refused = await listTags();
    expect(refused.status).toBe(429);

    const reading = readKeapRateHeaders(429, refused.headers as Record<string, string>, {
      nowMs: sandbox.keap.now(),
      ...OPTIONS,
    });

    expect(reading.pauseMs).toBe(OPTIONS.defaultBackoffMs);
    expect(reading.windows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ scope: 'app', unit: 'minute', available: 0, used: 1 }),
      ]),
    );
  });

  it('takes Retry-After when Keap sends one', async () => {
    sandbox.keap.setQuotas({ appPerMinute: 1 });
    sandbox.keap.setThrottleStyle({ retryAfter: true });
    await listTags();
    const refused = await listTags();
    const seconds = Number(refused.headers['retry-after']);
    expect(seconds).toBeGreaterThan(0);

    const reading = readKeapRateHeaders(429, refused.headers as Record<string, string>, {
      nowMs: sandbox.keap.now(),
      ...OPTIONS,
    });

    expect(reading.pauseMs).toBe(seconds * 1000);
  });
});
