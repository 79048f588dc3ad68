import type { INestApplication } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { setUpOpenApi } from './openapi/openapi';
import { TwilioWebhookHandler } from './webhooks/twilio-webhook.handler';

/** HTTP set-up shared by `main.ts` and the end-to-end tests, so tests run the app as deployed. */
export function configureApp(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: ['health', 'hooks/(.*)'] });
  // First in the chain: Twilio's webhooks skip helmet, cookies, request logging and Nest's router.
  const twilioWebhooks = app.get(TwilioWebhookHandler, { strict: false });
  app.use('/hooks/twilio', twilioWebhooks.middleware());
  app.use(cookieParser());
  // The docs page needs inline scripts/styles; the API itself only answers JSON.
  app.use(helmet({ contentSecurityPolicy: false }));
  setUpOpenApi(app);
}
