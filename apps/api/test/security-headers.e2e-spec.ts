import request from 'supertest';
import { startTestApp, type TestApp } from './support/test-app';

const quiet = { RUN_WORKER_IN_API: 'false', KEAP_REFRESH_INTERVAL_SECONDS: '0' };

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(quiet);
  });
  afterAll(() => t.close());

  it('the API lets a browser load nothing from its answers and frame none of them', async () => {
    for (const path of ['/health', '/api/session', '/api/nope', '/api/docs-json']) {
      const res = await request(t.app.getHttpServer()).get(path);
      expect([path, res.headers['content-security-policy']]).toEqual([
        path,
        "default-src 'none';frame-ancestors 'none'",
      ]);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('the docs page gets only what Swagger UI needs: its own scripts, inline styles, and still no framing', async () => {
    const page = await request(t.app.getHttpServer()).get('/api/docs').expect(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it("Twilio's webhooks, answered before helmet, do not say what serves them either", async () => {
    const res = await request(t.app.getHttpServer())
      .post('/hooks/twilio/sms')
      .type('form')
      .send({ AccountSid: `AC${'0'.repeat(32)}`, From: '+15550100', To: '+15550101', Body: 'hi' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('the API docs in production', () => {
  it('are off unless API_DOCS=true', async () => {
    const prod = await startTestApp({ ...quiet, NODE_ENV: 'production' });
    try {
      await request(prod.app.getHttpServer()).get('/api/docs').expect(404);
      await request(prod.app.getHttpServer()).get('/api/docs-json').expect(404);
    } finally {
      await prod.close();
    }
    const asked = await startTestApp({ ...quiet, NODE_ENV: 'production', API_DOCS: 'true' });
    try {
      await request(asked.app.getHttpServer()).get('/api/docs').expect(200);
      await request(asked.app.getHttpServer()).get('/api/docs-json').expect(200);
    } finally {
      await asked.close();
    }
  });

  it('can be turned off outside production', async () => {
    const off = await startTestApp({ ...quiet, API_DOCS: 'false' });
    try {
      await request(off.app.getHttpServer()).get('/api/docs-json').expect(404);
    } finally {
      await off.close();
    }
  });
});
