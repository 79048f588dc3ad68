import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('fills in defaults for a development machine', () => {
    const config = loadConfig({ SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') });
    expect(config.PORT).toBe(3000);
    expect(config.RUN_WORKER_IN_API).toBe(true);
    expect(config.DATABASE_POOL_SIZE).toBe(10);
  });

  it('checks the runtime’s numbers too (a pool of no connections stops the start)', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ SECRETS_KEY: key, DATABASE_POOL_SIZE: '3' }).DATABASE_POOL_SIZE).toBe(3);
    expect(() => loadConfig({ SECRETS_KEY: key, DATABASE_POOL_SIZE: '0' })).toThrow(
      /DATABASE_POOL_SIZE: must be at least 1/,
    );
    expect(() => loadConfig({ SECRETS_KEY: key, DATABASE_POOL_SIZE: 'many' })).toThrow(
      /DATABASE_POOL_SIZE: must be a whole number/,
    );
  });

  it('names the wrong variable and says what it should look like', () => {
    expect(() => loadConfig({ SECRETS_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ SECRETS_KEY: 'short' })).toThrow(
      /SECRETS_KEY: must be 32 random bytes/,
    );
    expect(() => loadConfig({})).toThrow(/SECRETS_KEY: is required/);
    expect(() =>
      loadConfig({ PORT: 'eighty', SECRETS_KEY: Buffer.alloc(32).toString('base64') }),
    ).toThrow(/PORT/);
  });
});
