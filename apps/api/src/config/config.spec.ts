import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('fills in defaults for a development machine', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.RUN_WORKER_IN_API).toBe(true);
  });

  it('names the wrong variable and says what it should look like', () => {
    expect(() => loadConfig({ SECRETS_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ SECRETS_KEY: 'short' })).toThrow(/SECRETS_KEY: must be 32 random bytes/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});
