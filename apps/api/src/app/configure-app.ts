import type { INestApplication } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { InboundMessageService } from '../inbound/inbound-message.service';
import { DeliveryStatusService } from '../sending/delivery-status.service';
import { TWILIO_WEBHOOK_MOUNT } from '../twilio/twilio-webhook-urls';
import { TwilioWebhooks } from '../twilio/webhooks/twilio-webhooks';
import { setUpOpenApi } from './openapi';

/** HTTP set-up shared by `main.ts` and the end-to-end tests, so tests run the app as deployed. */
export function configureApp(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: ['health', 'hooks/(.*)'] });
  // First in the chain: Twilio's webhooks skip helmet, cookies, request logging and Nest's router.
  const inbound = app.get(InboundMessageService, { strict: false });
  const delivery = app.get(DeliveryStatusService, { strict: false });
  const twilioWebhooks = app.get(TwilioWebhooks, { strict: false }).middleware({
    sms: async (accountId, params) => void (await inbound.receive(accountId, params)),
    status: (accountId, params, idempotencyKey) =>
      delivery.record(accountId, params, idempotencyKey),
  });
  app.use(TWILIO_WEBHOOK_MOUNT, twilioWebhooks);
  app.use(cookieParser());
  // The docs page needs inline scripts/styles; the API itself only answers JSON.
  app.use(helmet({ contentSecurityPolicy: false }));
  setUpOpenApi(app);
}
