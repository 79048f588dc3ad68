import { Router } from 'express';
import { TwilioSandbox } from './twilio-sandbox';
import { twilioApiRouter } from './twilio-api.router';
import { twilioControlRouter } from './twilio-control.router';
import { phoneRouter } from '../phone/phone.router';

export { TwilioSandbox } from './twilio-sandbox';
export type {
  TwilioSandboxOptions,
  TwilioMessageState,
  TwilioNumberState,
  TwilioServiceState,
  InboundTextInput,
  InboundTextResult,
  UndeliverableRule,
} from './twilio-sandbox';
export type { WebhookDelivery } from './webhook-sender';
export {
  twilioSeed,
  DEMO_ACCOUNT_SID,
  DEMO_AUTH_TOKEN,
  DEMO_API_KEY_SID,
  DEMO_API_KEY_SECRET,
  DEMO_MESSAGING_SERVICE_SID,
  SECOND_ACCOUNT_SID,
  SECOND_AUTH_TOKEN,
  SECOND_API_KEY_SID,
  SECOND_API_KEY_SECRET,
  SECOND_NUMBER,
} from './twilio-seed';
export type { TwilioSeed, TwilioSeedAccount } from './twilio-seed';

/** Twilio's REST paths, the `/sandbox/twilio` control API and the `/phone` simulator page. */
export function twilioRouter(sandbox: TwilioSandbox): Router {
  const router = Router();
  router.use(twilioApiRouter(sandbox));
  router.use(twilioControlRouter(sandbox));
  router.use(phoneRouter());
  return router;
}
