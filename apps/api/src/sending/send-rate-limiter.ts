import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { parseSenderKey } from '@sms-seq/engine';
import type Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { TWILIO_REQUEST_TIMEOUT_MS } from '../twilio/twilio-http-client';

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

/**
 * The send-time check: at most `limit` texts of a sender in any `window` (microseconds, on Redis's
 * clock), a sliding log of the sends it let through. Slots alone do not hold the rate: a delayed
 * job that wakes late (a busy worker) sends whenever it runs, so jobs whose slots have all passed
 * would go out together. A text let through is logged under its own token (so a retry, which is
 * checked again, counts as another send: never fewer than Twilio saw). It reaches Twilio some time
 * after the check (the claim, a busy worker), never after Twilio's answer: so it counts as in
 * flight (scored `inFlight` ahead, as if it reached Twilio that late) until SETTLE_SEND stamps the
 * answer's time, then a window after that; texts let through a window apart then reach Twilio a
 * window apart, however long each took to get there. A text refused is told when the window frees
 * for it: texts already refused and waiting go first, each one a later place, so a pile of late
 * texts retries about as fast as it can go out rather than all at every free place (a send in
 * flight frees its place a window after its answer, a window from now at the earliest; the text
 * is checked again then).
 * KEYS: the log, the waiting texts. ARGV: limit, window, token, text id, inFlight. Returns 0
 * (logged: send now) or the microseconds to wait.
 */
const TAKE_SEND = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local inFlight = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
-- A waiting text overdue by a whole window has gone another way (or asks again and queues anew).
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
redis.call('ZREM', KEYS[2], ARGV[4])
local sent = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local count = #sent / 2
if count < limit then
  redis.call('ZADD', KEYS[1], now + inFlight, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil((inFlight + window) / 1000) + 1000)
  return 0
end
-- Places free as the logged sends leave the window, oldest first (then as the texts let in at
-- those places leave it); this text takes the first place no waiting text holds.
local ahead = redis.call('ZCARD', KEYS[2])
local first = count - limit
local leaves = math.min(tonumber(sent[(first + ahead % limit) * 2 + 2]), now)
local at = leaves + window * (1 + math.floor(ahead / limit))
redis.call('ZADD', KEYS[2], at, ARGV[4])
redis.call('PEXPIRE', KEYS[2], math.ceil((at + window - now) / 1000) + 1000)
return math.max(1, at - now)
`;

/**
 * Twilio answered a text let through by TAKE_SEND (or it will never be sent): it counts in the
 * window until a window from now. KEYS: the log. ARGV: window, token. Returns 1, or 0 when the
 * entry had left the window already (it is not put back).
 */
const SETTLE_SEND = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now, ARGV[2]) == 0 then return 0 end
-- The key lives as long as its last entry (one in flight is scored ahead of now).
local last = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
redis.call('PEXPIRE', KEYS[1], math.ceil((last + window - now) / 1000) + 1000)
return 1
`;

/**
 * How long a text let through counts as in flight when its answer is never settled (a crash mid
 * call, Redis unreachable at the answer): Twilio's answer or the client's timeout comes within
 * TWILIO_REQUEST_TIMEOUT_MS of the call, and the call within a few seconds of the check (the claim).
 */
const IN_FLIGHT_MAX_MS = TWILIO_REQUEST_TIMEOUT_MS + 5_000;

/**
 * What the window adds to each second: a call given up on without an answer (the client's timeout,
 * a reset connection) is settled then, but a request already on its way may still reach Twilio a
 * network trip later. A sender's rate is held at Twilio at the cost of a little of it (25 a
 * second: 24.4 at most).
 */
const SEND_MARGIN_MS = 25;

/** The sender's window let a text through: `token` is its entry in the window, for settleSend. */
export interface SendPass {
  /** 0: send now; else milliseconds until the window has room (nothing was logged). */
  waitMs: number;
  token: string;
}

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
    const { limit, windowMicros } = this.paceOf(senderKey);
    const interval = windowMicros / 1000 / limit;
    return Number(await this.redis.eval(RESERVE_SLOT, 1, `send-rate:${senderKey}`, interval));
  }

  /**
   * The check right before a text is claimed: `waitMs` 0 when it may go now (it is then counted as
   * sent in its sender's window, in flight until settleSend), else the milliseconds until the
   * window has room for it. At most `rate` texts reach Twilio in any second (a rate under 1, or a
   * fraction: at most ceil(rate) in ceil(rate)/rate seconds), however late their jobs woke and
   * however long they took to get there. Ask again for every attempt.
   */
  async takeSend(senderKey: string, messageId: string): Promise<SendPass> {
    const { limit, windowMicros } = this.paceOf(senderKey);
    const token = `${messageId}:${randomUUID()}`;
    const waitMicros = Number(
      await this.redis.eval(
        TAKE_SEND,
        2,
        `send-window:${senderKey}`,
        `send-window-waiting:${senderKey}`,
        limit,
        windowMicros,
        token,
        messageId,
        IN_FLIGHT_MAX_MS * 1000,
      ),
    );
    return { waitMs: Math.ceil(waitMicros / 1000), token };
  }

  /**
   * Twilio answered the text let through as `token` (sent, refused, failed, or no answer in time),
   * or it will not be sent after all (the claim was lost): it leaves its sender's window a window
   * from now. Every way out of a pass settles it, else its place is held IN_FLIGHT_MAX_MS and a
   * window. False when it had left the window already (it is not put back).
   */
  async settleSend(senderKey: string, token: string): Promise<boolean> {
    const { windowMicros } = this.paceOf(senderKey);
    const settled = await this.redis.eval(
      SETTLE_SEND,
      1,
      `send-window:${senderKey}`,
      windowMicros,
      token,
    );
    return Number(settled) === 1;
  }

  /**
   * At most `limit` texts per window: `rate` a second (ceil(rate) per ceil(rate)/rate seconds
   * for a fraction), each window SEND_MARGIN_MS longer; slots are the window's share apart. A text
   * holds its place from its check until a window after Twilio's answer, so when calls take long,
   * texts that keep to their slots can be refused by the window, which then spaces them out.
   */
  private paceOf(senderKey: string): { limit: number; windowMicros: number } {
    const rate = this.ratePerSecond(senderKey);
    const limit = Math.ceil(rate);
    return { limit, windowMicros: Math.round((limit * 1_000_000) / rate + SEND_MARGIN_MS * 1000) };
  }
}
