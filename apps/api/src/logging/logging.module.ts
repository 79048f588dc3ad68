import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { TransportSingleOptions } from 'pino';
import type { Options } from 'pino-http';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

/**
 * Structured logs with the request id: JSON for collectors, or pretty lines for a terminal
 * (LOG_FORMAT). Anything that could carry a secret is redacted at the logger, before either
 * format, so a careless log line cannot leak a token.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'res.headers["set-cookie"]',
  // The redirect to Keap's consent page carries the OAuth state.
  'res.headers.location',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.authToken',
  '*.apiKeySecret',
  '*.password',
  '*.secret',
  '*.urlSecret',
];

/**
 * Request URLs carry secrets in two places: the tool URL's path secret and the OAuth callback's
 * `code`/`state`. Logs keep the route and drop those.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/\/hooks\/tools\/([^/?]+)\/[^/?]+/, '/hooks/tools/$1/[secret]')
    .replace(/([?&](?:code|state|access_token|refresh_token)=)[^&#]*/g, '$1[redacted]');
}

export type LogFormat = 'pretty' | 'json';

/** Pretty where a person reads the terminal, JSON where a collector reads the stream. */
export function logFormatOf(
  config: Pick<AppConfig, 'LOG_FORMAT' | 'NODE_ENV'>,
  stdoutIsTTY = process.stdout.isTTY === true,
): LogFormat {
  if (config.LOG_FORMAT) return config.LOG_FORMAT;
  if (config.NODE_ENV === 'production') return 'json';
  return stdoutIsTTY ? 'pretty' : 'json';
}

/**
 * pino-pretty in a worker thread, resolved here: it is a dev dependency, so a production install
 * lacks it and logs JSON rather than failing to start.
 */
function prettyTransport(): TransportSingleOptions | undefined {
  let target: string;
  try {
    target = require.resolve('pino-pretty');
  } catch {
    process.stderr.write('LOG_FORMAT=pretty needs pino-pretty (a dev dependency): logging JSON\n');
    return undefined;
  }
  return {
    target,
    options: {
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
    },
  };
}

/** The logger's options (pino's, with pino-http's request id and serializers). */
export function loggerOptions(config: AppConfig, format = logFormatOf(config)): Options {
  return {
    level: config.LOG_LEVEL,
    ...(format === 'pretty' ? { transport: prettyTransport() } : {}),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    genReqId: (req, res) => {
      const id = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    // Tool URLs carry their secret in the path: log the route, not the secret.
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
      }),
    },
  };
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ pinoHttp: loggerOptions(config) }),
    }),
  ],
})
export class LoggingModule {}
