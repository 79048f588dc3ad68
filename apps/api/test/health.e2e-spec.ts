import request from 'supertest';
import { aTcpLine, type TcpLine } from './support/tcp-line';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('GET /health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('says the API is up', async () => {
    const res = await request(t.app.getHttpServer()).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers an unknown route with a clear JSON error', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      code: 'http_404',
      message: 'There is nothing at this address. Reload the console and try again.',
    });
  });
});

describe('GET /health/ready', () => {
  let db: TestDatabase;
  let postgres: TcpLine;
  let redis: TcpLine;
  let t: TestApp;

  beforeAll(async () => {
    // The app reaches PostgreSQL and Redis through relays the test can cut.
    db = await createTestDatabase();
    postgres = await aTcpLine(db.url, 5432);
    redis = await aTcpLine(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 6379);
    t = await startTestApp({
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      RUN_WORKER_IN_API: 'false',
      KEAP_REFRESH_INTERVAL_SECONDS: '0',
    });
  });

  afterAll(async () => {
    await postgres.restore().catch(() => undefined);
    await redis.restore().catch(() => undefined);
    await t.close();
    await postgres.close();
    await redis.close();
    await db.drop();
  });

  const ready = () => request(t.app.getHttpServer()).get('/health/ready');

  it('answers 200 while PostgreSQL and Redis answer', async () => {
    const res = await ready();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'up', redis: 'up' } });
  });

  it('answers 503 naming PostgreSQL while it is unreachable, and 200 again once it is back; /health stays 200', async () => {
    await postgres.cut();
    try {
      const res = await ready();
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        error: {
          code: 'not_ready',
          message: expect.stringContaining('PostgreSQL does not answer'),
          details: { checks: { database: 'down', redis: 'up' } },
        },
      });
      await request(t.app.getHttpServer()).get('/health').expect(200);
    } finally {
      await postgres.restore();
    }
    await eventually200(ready);
  });

  it('answers 503 naming Redis while it is unreachable, and 200 again once it is back', async () => {
    await redis.cut();
    try {
      const res = await ready();
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        error: {
          code: 'not_ready',
          message: expect.stringContaining('Redis does not answer'),
          details: { checks: { database: 'up', redis: 'down' } },
        },
      });
    } finally {
      await redis.restore();
    }
    await eventually200(ready);
  });
});

/** Clients reconnect on their own schedule: poll with a deadline. */
async function eventually200(ask: () => request.Test): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await ask();
    if (res.status === 200) return;
    if (Date.now() > deadline) throw new Error(`still ${res.status}: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
