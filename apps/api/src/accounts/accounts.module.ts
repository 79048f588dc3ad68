import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { SecretBox } from '../crypto/secret-box';
import { AccountRepository } from './account.repository';
import { AccountService } from './account.service';

/** Accounts and their connections, and the sealed-secrets box (keyed by SECRETS_KEY) they use. */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new SecretBox(config.SECRETS_KEY),
    },
    AccountService,
    AccountRepository,
  ],
  exports: [SecretBox, AccountService, AccountRepository],
})
export class AccountsModule {}
