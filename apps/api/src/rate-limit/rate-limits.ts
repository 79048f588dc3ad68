import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { REDIS } from '../redis/redis.module';
import { clientKey } from './client-address';

/** The endpoints anyone can call, each limited per client on its own. */
export type RateLimitName = 'keap-connect' | 'keap-callback' | 'tool-url' | 'unknown-webhook';

const WINDOW_SECONDS = 60;

/**
 * Requests per minute per client address on the unauthenticated endpoints, counted in Redis so
 * the limit holds across API processes: one key per client and endpoint, expiring with its
 * minute, so storage stays bounded by the traffic of one minute. A client over its limit is
 * then refused from memory until the minute ends (a flood costs no Redis round trip), and if
 * Redis fails each process counts on its own rather than failing the request.
 */
@Injectable()
export class RateLimits {
  private readonly logger = new Logger(RateLimits.name);
  private readonly limiters: Record<RateLimitName, RateLimiterRedis>;

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    const limiter = (name: RateLimitName, points: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `rate-limit:${name}`,
        points,
        duration: WINDOW_SECONDS,
        inMemoryBlockOnConsumed: points + 1,
        insuranceLimiter: new RateLimiterMemory({ points, duration: WINDOW_SECONDS }),
      });
    this.limiters = {
      'keap-connect': limiter('keap-connect', config.RATE_LIMIT_KEAP_SIGN_IN_PER_MINUTE),
      'keap-callback': limiter('keap-callback', config.RATE_LIMIT_KEAP_SIGN_IN_PER_MINUTE),
      'tool-url': limiter('tool-url', config.RATE_LIMIT_TOOL_URL_PER_MINUTE),
      'unknown-webhook': limiter('unknown-webhook', config.RATE_LIMIT_UNKNOWN_WEBHOOK_PER_MINUTE),
    };
  }

  /**
   * Counts one request of the client at `address`; null when it may go on, else the seconds
   * until it may try again (for Retry-After).
   */
  async take(name: RateLimitName, address: string | undefined): Promise<number | null> {
    try {
      await this.limiters[name].consume(clientKey(address));
      return null;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      // Both stores failed: not the client's fault, and no reason to refuse it.
      this.logger.error(`rate limit ${name} not counted: ${(err as Error).message}`);
      return null;
    }
  }
}
