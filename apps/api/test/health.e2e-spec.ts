import request from 'supertest';
import { startTestApp, type TestApp } from './support/test-app';

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
    expect(res.body.error.message).toMatch(/Cannot GET/);
  });
});
