import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('fills in defaults for a development machine', () => {
    const config = loadConfig({ SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') });
    expect(config.PORT).toBe(3000);
    expect(config.RUN_WORKER_IN_API).toBe(true);
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
