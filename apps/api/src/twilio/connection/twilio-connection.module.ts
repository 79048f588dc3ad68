import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { SessionModule } from '../../session/session.module';
import { TwilioClientCache, TwilioSmsGateway } from '..';
import type { TwilioCredentials } from './twilio-credentials';
import { TwilioConnectionController } from './twilio-connection.controller';
import {
  SMS_GATEWAY_FACTORY,
  type SmsGatewayFactory,
  TwilioConnectionService,
} from './twilio-connection.service';
import { TwilioSenderDirectory } from './twilio-sender-directory';
import { TwilioSendersService } from './twilio-senders.service';

/** The account's Twilio connection: sealed credentials, gateways per account, senders, webhook auth tokens. */
@Module({
  imports: [SessionModule],
  controllers: [TwilioConnectionController],
  providers: [
    TwilioConnectionService,
    TwilioSendersService,
    TwilioSenderDirectory,
    {
      provide: SMS_GATEWAY_FACTORY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): SmsGatewayFactory => {
        // One SDK client per Twilio account and credentials, so sends reuse its connections.
        const clients = new TwilioClientCache();
        const gateway = (c: TwilioCredentials) =>
          new TwilioSmsGateway(
            c.apiKeySid && c.apiKeySecret
              ? { accountSid: c.accountSid, apiKeySid: c.apiKeySid, apiKeySecret: c.apiKeySecret }
              : { accountSid: c.accountSid, authToken: c.authToken },
            // Twilio's own origin (in any spelling) or a stand-in's: effectiveApiBaseUrl decides.
            { apiBaseUrl: config.TWILIO_API_BASE_URL, clients },
          );
        return Object.assign(gateway, { forget: (sid: string) => clients.forget(sid) });
      },
    },
  ],
  exports: [TwilioConnectionService, TwilioSendersService, TwilioSenderDirectory],
})
export class TwilioConnectionModule {}
