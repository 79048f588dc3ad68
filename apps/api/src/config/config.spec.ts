import { apiDocsEnabled, ConfigError, loadConfig } from './config';

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

  it('batches contact reads within a window of 0 to 10000 ms, 200 by default', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const windowOf = (value?: string) =>
      loadConfig({ SECRETS_KEY: key, KEAP_READ_BATCH_WINDOW_MS: value }).KEAP_READ_BATCH_WINDOW_MS;
    expect(windowOf()).toBe(200);
    expect(windowOf('0')).toBe(0);
    expect(windowOf('500')).toBe(500);
    expect(() => windowOf('-1')).toThrow(/KEAP_READ_BATCH_WINDOW_MS: must be 0 or more/);
    expect(() => windowOf('20000')).toThrow(/KEAP_READ_BATCH_WINDOW_MS: must be at most 10000/);
    expect(() => windowOf('soon')).toThrow(
      /KEAP_READ_BATCH_WINDOW_MS: must be a whole number of milliseconds/,
    );
    expect(() => windowOf('1.5')).toThrow(
      /KEAP_READ_BATCH_WINDOW_MS: must be a whole number of milliseconds/,
    );
  });

  it('batches tag applies within a window of 0 to 10000 ms, 200 by default', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const windowOf = (value?: string) =>
      loadConfig({ SECRETS_KEY: key, KEAP_TAG_BATCH_WINDOW_MS: value }).KEAP_TAG_BATCH_WINDOW_MS;
    expect(windowOf()).toBe(200);
    expect(windowOf('0')).toBe(0);
    expect(() => windowOf('-1')).toThrow(/KEAP_TAG_BATCH_WINDOW_MS: must be 0 or more/);
    expect(() => windowOf('20000')).toThrow(/KEAP_TAG_BATCH_WINDOW_MS: must be at most 10000/);
    expect(() => windowOf('soon')).toThrow(
      /KEAP_TAG_BATCH_WINDOW_MS: must be a whole number of milliseconds/,
    );
  });

  it('saves a conversation’s fields at the latest after 60 s by default, at most an hour', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const delayOf = (value?: string) =>
      loadConfig({ SECRETS_KEY: key, FIELD_SAVE_MAX_DELAY_MS: value }).FIELD_SAVE_MAX_DELAY_MS;
    expect(delayOf()).toBe(60_000);
    expect(delayOf('0')).toBe(0);
    expect(() => delayOf('-5')).toThrow(/FIELD_SAVE_MAX_DELAY_MS: must be 0 or more/);
    expect(() => delayOf('7200000')).toThrow(/FIELD_SAVE_MAX_DELAY_MS: must be at most 3600000/);
    expect(() => delayOf('1m')).toThrow(
      /FIELD_SAVE_MAX_DELAY_MS: must be a whole number of milliseconds, e\.g\. 60000/,
    );
  });

  it('holds a note for the contact’s next conversation 10 minutes by default, at most a day', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const holdOf = (value?: string) =>
      loadConfig({ SECRETS_KEY: key, NOTE_HOLD_MAX_MS: value }).NOTE_HOLD_MAX_MS;
    expect(holdOf()).toBe(600_000);
    expect(holdOf('0')).toBe(0);
    expect(() => holdOf('-1')).toThrow(/NOTE_HOLD_MAX_MS: must be 0 or more/);
    expect(() => holdOf('90000000')).toThrow(/NOTE_HOLD_MAX_MS: must be at most 86400000/);
    expect(() => holdOf('10m')).toThrow(
      /NOTE_HOLD_MAX_MS: must be a whole number of milliseconds, e\.g\. 600000/,
    );
  });

  it('serves the API docs outside production, in production only when API_DOCS=true', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const docs = (env: NodeJS.ProcessEnv) =>
      apiDocsEnabled(loadConfig({ SECRETS_KEY: key, ...env }));
    expect(docs({})).toBe(true);
    expect(docs({ API_DOCS: 'false' })).toBe(false);
    expect(docs({ NODE_ENV: 'production' })).toBe(false);
    expect(docs({ NODE_ENV: 'production', API_DOCS: 'true' })).toBe(true);
    expect(() => loadConfig({ SECRETS_KEY: key, API_DOCS: 'yes' })).toThrow(
      /API_DOCS: must be true or false/,
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

describe('abuse limits and the proxy in front', () => {
  const key = Buffer.alloc(32, 7).toString('base64');

  it('trusts no proxy by default; takes true, a hop count or addresses', () => {
    expect(loadConfig({ SECRETS_KEY: key }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ SECRETS_KEY: key, TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ SECRETS_KEY: key, TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(
      loadConfig({ SECRETS_KEY: key, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY,
    ).toEqual(['loopback', '10.0.0.0/8']);
    expect(() => loadConfig({ SECRETS_KEY: key, TRUST_PROXY: 'my proxy!' })).toThrow(
      /TRUST_PROXY: must be true, false, a number of proxies, or addresses/,
    );
  });

  it('limits per minute per client, generous for tool URLs, each configurable', () => {
    const config = loadConfig({ SECRETS_KEY: key });
    expect(config.RATE_LIMIT_KEAP_SIGN_IN_PER_MINUTE).toBe(60);
    expect(config.RATE_LIMIT_TOOL_URL_PER_MINUTE).toBe(30_000);
    expect(config.RATE_LIMIT_UNKNOWN_WEBHOOK_PER_MINUTE).toBe(60);
    expect(() => loadConfig({ SECRETS_KEY: key, RATE_LIMIT_TOOL_URL_PER_MINUTE: '0' })).toThrow(
      /RATE_LIMIT_TOOL_URL_PER_MINUTE: must be at least 1/,
    );
  });
});
