import { Inject, Injectable } from '@nestjs/common';
import { parseSenderKey } from '@sms-seq/engine';
import type Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

/**
 * Reserves the next send slot of a sender in Redis (shared by every worker process, on Redis's
 * clock so that processes on different hosts agree) and answers how far ahead it is. Slots are
 * 1/rate seconds apart, so a campaign burst drains at the sender's rate instead of drawing
 * Twilio's 429s and carrier filtering.
 */
const RESERVE_SLOT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nextFree)
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', math.ceil(slot + interval - now) + 1000)
return math.ceil(slot - now)
`;

const TOLL_FREE = /^\+1(800|833|844|855|866|877|888)\d{7}$/;
const SHORT_CODE = /^\d{3,6}$/;

export type SenderType = 'long_code' | 'toll_free' | 'short_code' | 'messaging_service';

export function senderType(senderKey: string): SenderType {
  const sender = parseSenderKey(senderKey);
  if (sender?.kind === 'messaging_service') return 'messaging_service';
  const number = sender?.phoneNumber ?? '';
  if (TOLL_FREE.test(number)) return 'toll_free';
  if (SHORT_CODE.test(number)) return 'short_code';
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

  /**
   * Takes this sender's next free slot: milliseconds from now until it (0: send now). The caller
   * sends no earlier than that and does not ask again for the same text: the slot is its own.
   */
  async reserve(senderKey: string): Promise<number> {
    const interval = 1000 / this.ratePerSecond(senderKey);
    return Number(await this.redis.eval(RESERVE_SLOT, 1, `send-rate:${senderKey}`, interval));
  }
}
