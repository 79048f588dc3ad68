import request from 'supertest';
import { createSandbox } from '../app';
import { DEMO_TENANT_ID, SANDBOX_KEAP_CLIENT } from './index';

const REDIRECT_URI = 'http://127.0.0.1:5173/callback';

describe('Keap sandbox faults: the work is done, the answer is lost', () => {
  let sandbox: ReturnType<typeof createSandbox>;
  let token: string;
  let contactId: string;

  beforeEach(async () => {
    sandbox = createSandbox({ publicUrl: 'http://127.0.0.1:4010' });
    const code = sandbox.keap.issueAuthorizationCode({
      clientId: SANDBOX_KEAP_CLIENT.clientId,
      redirectUri: REDIRECT_URI,
      tenantId: DEMO_TENANT_ID,
    });
    token = sandbox.keap.exchangeToken({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: SANDBOX_KEAP_CLIENT.clientId,
      client_secret: SANDBOX_KEAP_CLIENT.clientSecret,
    }).access_token;
    contactId = [...sandbox.keap.tenant(DEMO_TENANT_ID).contacts.keys()][0]!;
  });

  const notesOfContact = () =>
    [...sandbox.keap.tenant(DEMO_TENANT_ID).notes.values()].filter(
      (n) => n.contact_id === contactId,
    );
  const createNote = () =>
    request(sandbox.app)
      .post(`/crm/rest/v2/contacts/${contactId}/notes`)
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'SMS: Hello', text: 'transcript', user_id: '1' });

  it('applies a write, then answers 5xx (afterApplying)', async () => {
    await request(sandbox.app)
      .post('/sandbox/keap/faults')
      .send({ count: 1, status: 502, afterApplying: true, operations: ['createNote'] })
      .expect(200);
    // Other operations pass untouched.
    await request(sandbox.app)
      .get('/crm/rest/v2/tags')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const lost = await createNote();
    expect(lost.status).toBe(502);
    expect(notesOfContact()).toHaveLength(1);
    // One call only: the next one is answered.
    expect((await createNote()).status).toBe(201);
    expect(notesOfContact()).toHaveLength(2);
  });

  it('applies a write, then drops the connection (drop)', async () => {
    await request(sandbox.app)
      .post('/sandbox/keap/faults')
      .send({ count: 1, afterApplying: true, drop: true })
      .expect(200);
    await expect(createNote()).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(notesOfContact()).toHaveLength(1);
  });

  it('still refuses before applying by default', async () => {
    await request(sandbox.app).post('/sandbox/keap/faults').send({ count: 1 }).expect(200);
    expect((await createNote()).status).toBe(503);
    expect(notesOfContact()).toHaveLength(0);
  });

  it('answers 400 with a reason for a fault it cannot make', async () => {
    const bad = [
      { count: 1, drop: true },
      { count: 1, afterApplying: 'yes' },
      { count: 1, operations: [] },
      { count: 1, operations: ['create note'] },
    ];
    for (const body of bad) {
      const res = await request(sandbox.app).post('/sandbox/keap/faults').send(body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/drop|afterApplying|operations/);
    }
  });

  it("tells the app user's own id (sub) from the global user id (id)", async () => {
    const info = await request(sandbox.app)
      .get('/crm/rest/v2/oauth/connect/userinfo')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(info.body.sub).toBe('1');
    expect(info.body.id).toMatch(/^\d+$/);
    expect(info.body.id).not.toBe(info.body.sub);
  });
});
