import { DataSource } from 'typeorm';
import { DemoSeedService } from '../../src/demo/demo-seed.service';
import { type ConfigApi, startConfigApi } from './support/config-api-harness';

describe('Demo mode', () => {
  let api: ConfigApi;
  beforeAll(async () => {
    api = await startConfigApi({ DEMO_SEED: 'true' });
  });
  afterAll(() => api.close());

  it('connects the demo Keap app and Twilio account and publishes the DEMO tool; Connect Keap lands in it', async () => {
    const db = api.app.get(DataSource);
    const [tool] = await db.query(
      "SELECT t.id, t.account_id FROM tools t WHERE t.live_keyword = 'DEMO'",
    );
    expect(tool).toBeDefined();
    const user = await api.signIn('sb101');
    expect(user.accountId).toBe(tool.account_id);
    const session = await user.agent.get('/api/session').expect(200);
    expect(session.body).toMatchObject({ keap: { connected: true }, twilio: { connected: true } });
    const tools = await user.agent.get('/api/tools').expect(200);
    expect(tools.body.tools).toEqual([
      expect.objectContaining({ keyword: 'DEMO', status: 'published', publishedVersion: 1 }),
    ]);
    const senders = await user.agent.get('/api/twilio/senders').expect(200);
    expect(senders.body.phoneNumbers).toContainEqual(
      expect.objectContaining({ phoneNumber: '+14155550100', connected: true }),
    );
    // Seeding again (a restart) changes nothing.
    expect(await api.app.get(DemoSeedService).seed()).toBe(tool.account_id);
    expect(
      (await db.query("SELECT count(*)::int n FROM tools WHERE live_keyword = 'DEMO'"))[0].n,
    ).toBe(1);
  });

  it('never puts a secret in a response or a log line', () => api.expectNoSecretsLeaked());

  it('answers only as the OpenAPI document says (status and schema)', () =>
    api.expectAnswersDocumented());
});
