import pino from 'pino';
import request from 'supertest';
import { createSandbox } from './app';

describe('sandbox', () => {
  it('answers its health check', async () => {
    const { app } = createSandbox({ publicUrl: 'http://127.0.0.1:4010' });
    const res = await request(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('never logs credentials: Authorization headers are redacted', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const { app } = createSandbox({ publicUrl: 'http://127.0.0.1:4010', logger });
    await request(app)
      .get('/crm/rest/v2/contacts')
      .set('Authorization', 'Bearer secret-access-token-123')
      .expect(401);
    await request(app)
      .get('/2010-04-01/Accounts/AC123/Messages.json')
      .auth('AC123', 'secret-auth-token-456');
    const log = lines.join('\n');
    expect(log).toContain('[redacted]');
    expect(log).not.toContain('secret-access-token-123');
    expect(log).not.toContain(Buffer.from('AC123:secret-auth-token-456').toString('base64'));
  });
});
