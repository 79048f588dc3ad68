import { loadConfig } from './config';

const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

describe('the queue dashboard’s configuration', () => {
  it('is off by default', () => {
    expect(loadConfig({ SECRETS_KEY }).QUEUE_DASHBOARD).toBe(false);
  });

  it('refuses to turn it on without a password, or with a short one', () => {
    expect(() => loadConfig({ SECRETS_KEY, QUEUE_DASHBOARD: 'true' })).toThrow(
      /QUEUE_DASHBOARD_PASSWORD: must be at least 16 characters when QUEUE_DASHBOARD=true/,
    );
    expect(() =>
      loadConfig({ SECRETS_KEY, QUEUE_DASHBOARD: 'true', QUEUE_DASHBOARD_PASSWORD: 'hunter2' }),
    ).toThrow(/QUEUE_DASHBOARD_PASSWORD/);
  });

  it('turns it on with a password, the user "ops" unless named', () => {
    const config = loadConfig({
      SECRETS_KEY,
      QUEUE_DASHBOARD: 'true',
      QUEUE_DASHBOARD_PASSWORD: 'a-long-operator-password',
    });
    expect(config).toMatchObject({ QUEUE_DASHBOARD: true, QUEUE_DASHBOARD_USER: 'ops' });
  });
});
