import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { SecretBox } from '../crypto/secret-box';
import { Account } from './account.entity';
import { AccountService } from './account.service';
import { KeapConnection } from './keap-connection.entity';
import { RedisLock } from './redis-lock';
import { TwilioConnection } from './twilio-connection.entity';

/** The Redis client shared by the install/config features (locks, caches, sessions). */
export const REDIS = Symbol('REDIS');

/**
 * Accounts and what every account-scoped feature needs: the sealed-secrets box (keyed by
 * SECRETS_KEY), one Redis client and a cross-process lock.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Account, KeapConnection, TwilioConnection])],
  providers: [
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new SecretBox(config.SECRETS_KEY),
    },
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, lazyConnect: false }),
    },
    { provide: RedisLock, inject: [REDIS], useFactory: (redis: Redis) => new RedisLock(redis) },
    AccountService,
  ],
  exports: [SecretBox, REDIS, RedisLock, AccountService, TypeOrmModule],
})
export class AccountsModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
