import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '../accounts/accounts.module';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

/**
 * Reserves the next send slot of a sender in Redis (shared by every worker process) and answers
 * how long to wait for it. Slots are 1/rate seconds apart, so a campaign burst drains at the
 * sender's rate instead of drawing Twilio's 429s and carrier filtering.
 */
const RESERVE_SLOT = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nextFree)
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', math.ceil(slot + interval - now) + 1000)
return slot - now
`;

const TOLL_FREE = /^phone:\+1(800|833|844|855|866|877|888)\d{7}$/;
const SHORT_CODE = /^phone:\d{3,6}$/;

export type SenderType = 'long_code' | 'toll_free' | 'short_code' | 'messaging_service';

export function senderType(senderKey: string): SenderType {
  if (senderKey.startsWith('service:')) return 'messaging_service';
  if (TOLL_FREE.test(senderKey)) return 'toll_free';
  if (SHORT_CODE.test(senderKey)) return 'short_code';
  return 'long_code';
}

@Injectable()
export class SendRateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  ratePerSecond(senderKey: string): number {
    switch (senderType(senderKey)) {
      case 'toll_free':
        return this.config.SEND_RATE_TOLL_FREE;
      case 'short_code':
        return this.config.SEND_RATE_SHORT_CODE;
      case 'messaging_service':
        return this.config.SEND_RATE_MESSAGING_SERVICE;
      default:
        return this.config.SEND_RATE_LONG_CODE;
    }
  }

  /** Resolves when this sender may send one more message. */
  async waitForSlot(senderKey: string): Promise<void> {
    const interval = 1000 / this.ratePerSecond(senderKey);
    const waitMs = Number(
      await this.redis.eval(RESERVE_SLOT, 1, `send-rate:${senderKey}`, Date.now(), interval),
    );
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
