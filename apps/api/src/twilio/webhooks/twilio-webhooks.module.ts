import { Module } from '@nestjs/common';
import { TwilioConnectionModule } from '../connection/twilio-connection.module';
import { TwilioSignatureRefusals } from './twilio-signature-refusals';
import { TwilioWebhookAuth } from './twilio-webhook-auth';
import { TwilioWebhooks } from './twilio-webhooks';

/** Twilio's webhooks: which account signed one, with which token, and the refusals' record. */
@Module({
  imports: [TwilioConnectionModule],
  providers: [TwilioWebhookAuth, TwilioSignatureRefusals, TwilioWebhooks],
  exports: [TwilioWebhooks],
})
export class TwilioWebhooksModule {}
