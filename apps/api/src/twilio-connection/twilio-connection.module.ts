import { Module } from '@nestjs/common';
import { SMS_GATEWAY_FACTORY, type SmsGatewayFactory, TwilioConnectionService } from './twilio-connection.service';

// TODO(integrations): replace with the TwilioSmsGateway constructor once apps/api/src/twilio lands.
const pendingAdapter: SmsGatewayFactory = () => {
  throw new Error('The Twilio adapter is not wired yet');
};

/** The account's Twilio connection: sealed credentials, gateways per account, webhook auth tokens. */
@Module({
  providers: [TwilioConnectionService, { provide: SMS_GATEWAY_FACTORY, useValue: pendingAdapter }],
  exports: [TwilioConnectionService],
})
export class TwilioConnectionModule {}
