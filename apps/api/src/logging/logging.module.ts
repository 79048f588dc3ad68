import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

/**
 * Structured JSON logs with the request id. Anything that could carry a secret is redacted at the
 * logger, so a careless log line cannot leak a token.
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

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.LOG_LEVEL,
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
        },
      }),
    }),
  ],
})
export class LoggingModule {}
