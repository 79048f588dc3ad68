import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { RedisLock } from './redis-lock';

/** The Redis client shared by the features (locks, caches, sessions); keys carry REDIS_KEY_PREFIX. */
export const REDIS = Symbol('REDIS');

/** One Redis client per process and a cross-process lock over it. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Redis(config.REDIS_URL, {
          keyPrefix: config.REDIS_KEY_PREFIX,
          lazyConnect: false,
          // Commands of the same turn of the event loop go in one write: under load (a campaign's
          // posts, a worker's jobs) that is far fewer socket writes for the same commands.
          enableAutoPipelining: true,
        }),
    },
    { provide: RedisLock, inject: [REDIS], useFactory: (redis: Redis) => new RedisLock(redis) },
  ],
  exports: [REDIS, RedisLock],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
