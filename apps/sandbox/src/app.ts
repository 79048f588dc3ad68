import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { keapRouter, KeapSandbox, type KeapSandboxOptions } from './keap';
import { twilioRouter, TwilioSandbox } from './twilio';

export interface SandboxOptions {
  /** Public base URL of this sandbox (used in links it hands out, e.g. media and consent pages). */
  publicUrl: string;
  logger?: Logger;
  /** Clock, token lifetime, OAuth clients and quotas of the Keap stand-in. */
  keap?: KeapSandboxOptions;
}

export interface Sandbox {
  app: Express;
  keap: KeapSandbox;
  twilio: TwilioSandbox;
}

/** One process serving the Keap and Twilio stand-ins side by side. */
export function createSandbox(options: SandboxOptions): Sandbox {
  const keap = new KeapSandbox(options.keap);
  const twilio = new TwilioSandbox({ publicUrl: options.publicUrl });
  const app = express();
  if (options.logger)
    app.use(
      pinoHttp({
        logger: options.logger,
        // Bearer tokens and Twilio's Basic credentials never reach the log.
        redact: {
          paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
          censor: '[redacted]',
        },
      }),
    );
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(keapRouter(keap));
  app.use(twilioRouter(twilio));
  return { app, keap, twilio };
}
