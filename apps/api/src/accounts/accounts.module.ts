import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { SecretBox } from '../crypto/secret-box';
import { Account } from './account.entity';
import { AccountService } from './account.service';
import { KeapConnection } from './keap-connection.entity';
import { TwilioConnection } from './twilio-connection.entity';

/** Accounts and their connections, and the sealed-secrets box (keyed by SECRETS_KEY) they use. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Account, KeapConnection, TwilioConnection])],
  providers: [
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new SecretBox(config.SECRETS_KEY),
    },
    AccountService,
  ],
  exports: [SecretBox, AccountService, TypeOrmModule],
})
export class AccountsModule {}
