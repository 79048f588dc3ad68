import request from 'supertest';
import { createSandbox } from './app';

describe('sandbox', () => {
  it('answers its health check', async () => {
    const { app } = createSandbox({ publicUrl: 'http://127.0.0.1:4010' });
    const res = await request(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
