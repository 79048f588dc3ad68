import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../config/config';
import { logFormatOf } from './logging.module';

const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');
const config = (env: Record<string, string>) => loadConfig({ SECRETS_KEY, ...env });

describe('the log format', () => {
  it('is JSON in production, even on a terminal', () => {
    expect(logFormatOf(config({ NODE_ENV: 'production' }), true)).toBe('json');
  });

  it('outside production, is pretty on a terminal and JSON into a pipe or file', () => {
    expect(logFormatOf(config({ NODE_ENV: 'development' }), true)).toBe('pretty');
    expect(logFormatOf(config({ NODE_ENV: 'development' }), false)).toBe('json');
  });

  it('is what LOG_FORMAT says when set (npm start sets pretty); nothing else is accepted', () => {
    expect(logFormatOf(config({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }), false)).toBe(
      'pretty',
    );
    expect(logFormatOf(config({ LOG_FORMAT: 'json' }), true)).toBe('json');
    expect(() => config({ LOG_FORMAT: 'colour' })).toThrow(/LOG_FORMAT: must be pretty or json/);
  });
});

describe('a log line as the app writes it', () => {
  /** The app's logger, in a process of its own (as `node dist/main.js`), logs one line with a token. */
  function logged(format: 'pretty' | 'json'): string {
    const module = JSON.stringify(join(__dirname, 'logging.module.ts'));
    const configModule = JSON.stringify(join(__dirname, '..', 'config', 'config.ts'));
    const script = `
      const pino = require('pino');
      const { loggerOptions } = require(${module});
      const { loadConfig } = require(${configModule});
      const config = loadConfig({ SECRETS_KEY: '${SECRETS_KEY}', LOG_FORMAT: '${format}' });
      pino(loggerOptions(config)).info({ twilio: { authToken: 'tok-SECRET' } }, 'twilio connected');
    `;
    const tsx = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    // As in a terminal without colours: turbo sets FORCE_COLOR, which pino-pretty honours.
    const { FORCE_COLOR: _forced, ...env } = process.env;
    return execFileSync(tsx, ['-e', script], { encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
  }

  it('pretty: one readable line, the secret redacted', () => {
    const out = logged('pretty');
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*: twilio connected/);
    expect(out).toContain('[redacted]');
    expect(out).not.toContain('tok-SECRET');
  });

  it('JSON: one object a line, the secret redacted', () => {
    const line = JSON.parse(logged('json').trim()) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 30,
      msg: 'twilio connected',
      twilio: { authToken: '[redacted]' },
    });
  });
});
