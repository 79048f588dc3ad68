import Redis from 'ioredis';
import request from 'supertest';
import { startRuntime, type RuntimeHarness } from '../runtime/runtime-harness';

/** "Connect Keap" by anyone, any number of times, costs no storage: the state is signed, not kept. */
describe('the OAuth state costs the server nothing per anonymous request', () => {
  let h: RuntimeHarness;
  let redis: Redis;

  beforeAll(async () => {
    h = await startRuntime({
      RUN_WORKER_IN_API: 'false',
      RATE_LIMIT_KEAP_SIGN_IN_PER_MINUTE: '100000',
    });
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    await redis?.quit();
    await h?.close();
  });

  const keys = async () => (await redis.keys(`${h.t.config.REDIS_KEY_PREFIX}*`)).sort();

  it('1,000 "Connect Keap" requests add no Redis key', async () => {
    const http = request(h.t.app.getHttpServer());
    // The first one counts the client for its rate limit: one key per client, expiring in a minute.
    await http.get('/api/keap/connect').expect(302);
    const before = await keys();
    for (let i = 0; i < 1000; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, () => http.get('/api/keap/connect').expect(302)),
      );
    expect(await keys()).toEqual(before);
  });

  it('hands the browser a cookie and Keap a state, neither containing the other', async () => {
    const res = await request(h.t.app.getHttpServer()).get('/api/keap/connect').expect(302);
    const state = new URL(res.headers.location as string).searchParams.get('state') ?? '';
    const cookie = /sms_oauth_state=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? '';
    expect(state).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(state).not.toContain(cookie);
  });
});
