import { KeapApiError } from './keap-api.error';

/**
 * Keap's throttles and quotas, as published in "Throttles and Quotas" / "API Token Quota and Usage
 * Measurements" (developer.infusionsoft.com): per OAuth app (key/secret pair, across every tenant
 * it reaches) a per-second spike limit, a per-minute throttle and a daily quota that resets at
 * 00:00 UTC; per tenant (application instance) a per-minute throttle and a daily quota.
 *
 * The second and minute windows roll: a call counts against them for one second / one minute
 * after it was made (Keap's gateway describes its throttle as a rolling window; calls made at 0:00
 * are available again at 1:00). The day quotas are fixed days ending at midnight UTC, where
 * `x-keap-product-quota-expiry-time` (epoch ms, as Keap sends it) points.
 */

export interface KeapQuotaLimits {
  appPerSecond: number;
  appPerMinute: number;
  appPerDay: number;
  tenantPerMinute: number;
  tenantPerDay: number;
}

export const KEAP_PUBLISHED_LIMITS: KeapQuotaLimits = {
  appPerSecond: 25,
  appPerMinute: 1500,
  appPerDay: 150_000,
  tenantPerMinute: 10_000,
  tenantPerDay: 250_000,
};

/**
 * How a refusal looks. Keap's defaults: no Retry-After (Keap documents none; its guidance is to
 * back off exponentially and read the quota headers) and REST v2's 429 body
 * `{code: "429", message: "Quota Exceeded", status: "Request Throttled"}`. `fault` is the API
 * gateway's older shape (`{fault: {faultstring, detail: {errorcode}}}`) that clients must also
 * read; `retryAfter` adds a Retry-After header for clients that want to exercise it.
 */
export interface KeapThrottleStyle {
  retryAfter: boolean;
  body: 'v2' | 'fault';
}

export const KEAP_THROTTLE_STYLE: KeapThrottleStyle = { retryAfter: false, body: 'v2' };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

type WindowName = keyof KeapQuotaLimits;

const WINDOWS: Record<WindowName, { ms: number; scope: 'app' | 'tenant'; rolling: boolean }> = {
  appPerSecond: { ms: SECOND, scope: 'app', rolling: true },
  appPerMinute: { ms: MINUTE, scope: 'app', rolling: true },
  appPerDay: { ms: DAY, scope: 'app', rolling: false },
  tenantPerMinute: { ms: MINUTE, scope: 'tenant', rolling: true },
  tenantPerDay: { ms: DAY, scope: 'tenant', rolling: false },
};
const NAMES = Object.keys(WINDOWS) as WindowName[];

export type ThrottleDecision =
  | { allowed: true; headers: Record<string, string> }
  | {
      allowed: false;
      violated: WindowName;
      /** When the violated window has room again. */
      retryAfterSeconds: number;
      headers: Record<string, string>;
    };

/** The calls one owner (app or tenant) made in one window. */
interface Usage {
  /** Rolling windows: call times, oldest first, from `head` on. */
  times: number[];
  head: number;
  /** Fixed (day) windows: calls in the day starting at `dayStart`. */
  dayStart: number;
  dayCount: number;
}

export class KeapThrottle {
  style: KeapThrottleStyle = { ...KEAP_THROTTLE_STYLE };
  private readonly usage = new Map<string, Usage>();

  constructor(public limits: KeapQuotaLimits) {}

  /** Forgets every call counted and returns to Keap's refusal style. */
  reset(): void {
    this.usage.clear();
    this.style = { ...KEAP_THROTTLE_STYLE };
  }

  /** Counts one call for the app and tenant, or refuses it when a window is full. */
  take(clientId: string, tenantId: string, now: number): ThrottleDecision {
    const violated = NAMES.find(
      (name) => this.count(name, clientId, tenantId, now) >= this.limits[name],
    );
    if (violated) {
      return {
        allowed: false,
        violated,
        retryAfterSeconds: Math.max(
          1,
          Math.ceil((this.freesAt(violated, clientId, tenantId, now) - now) / 1000),
        ),
        headers: this.headers(clientId, tenantId, now),
      };
    }
    for (const name of NAMES) {
      const usage = this.usageOf(name, clientId, tenantId);
      if (WINDOWS[name].rolling) usage.times.push(now);
      else usage.dayCount += 1;
    }
    return { allowed: true, headers: this.headers(clientId, tenantId, now) };
  }

  /** Keap's answer to a refused call: 429, the headers, the body of the configured style. */
  refusal(decision: Extract<ThrottleDecision, { allowed: false }>): KeapApiError {
    const headers = {
      ...decision.headers,
      ...(this.style.retryAfter ? { 'retry-after': String(decision.retryAfterSeconds) } : {}),
    };
    if (this.style.body === 'v2') {
      return new KeapApiError(
        429,
        { code: '429', message: 'Quota Exceeded', status: 'Request Throttled' },
        headers,
      );
    }
    if (decision.violated === 'appPerSecond') {
      return KeapApiError.fault(
        429,
        `Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=${this.limits.appPerSecond}, periodInMicroseconds=1000000, maxBurstMessageCount=${this.limits.appPerSecond}.0}`,
        'policies.ratelimit.SpikeArrestViolation',
        headers,
      );
    }
    return KeapApiError.fault(
      429,
      'Rate limit quota violation. Quota limit exceeded.',
      'policies.ratelimit.QuotaViolation',
      headers,
    );
  }

  /**
   * The informational headers Keap puts on every response, as documented and as a real answer
   * carries them: the spike limit; the app's throttle (per minute) and quota (per day, with its
   * expiry time); the tenant's id and throttle (per minute). Keap documents no expiry time for the
   * throttles and no headers for the tenant's daily quota, so there are none.
   */
  headers(clientId: string, tenantId: string, now: number): Record<string, string> {
    const h: Record<string, string> = {};
    const put = (prefix: string, name: WindowName, unit: string): void => {
      const used = this.count(name, clientId, tenantId, now);
      const limit = this.limits[name];
      h[`${prefix}-limit`] = String(limit);
      h[`${prefix}-time-unit`] = unit;
      h[`${prefix}-interval`] = '1';
      h[`${prefix}-available`] = String(Math.max(0, limit - used));
      h[`${prefix}-used`] = String(used);
    };
    h['x-keap-product-spike-limit'] = `${this.limits.appPerSecond}ps`;
    put('x-keap-product-throttle', 'appPerMinute', 'minute');
    put('x-keap-product-quota', 'appPerDay', 'day');
    h['x-keap-product-quota-expiry-time'] = String(dayStart(now) + DAY);
    h['x-keap-tenant-id'] = `${tenantId}.infusionsoft.com`;
    put('x-keap-tenant-throttle', 'tenantPerMinute', 'minute');
    return h;
  }

  private count(name: WindowName, clientId: string, tenantId: string, now: number): number {
    const usage = this.usageOf(name, clientId, tenantId);
    const window = WINDOWS[name];
    if (!window.rolling) {
      if (usage.dayStart !== dayStart(now)) {
        usage.dayStart = dayStart(now);
        usage.dayCount = 0;
      }
      return usage.dayCount;
    }
    while (usage.head < usage.times.length && (usage.times[usage.head] ?? 0) <= now - window.ms)
      usage.head += 1;
    if (usage.head > 1024 && usage.head * 2 > usage.times.length) {
      usage.times = usage.times.slice(usage.head);
      usage.head = 0;
    }
    return usage.times.length - usage.head;
  }

  /** When a full window next has room: its oldest call leaves it, or the day ends. */
  private freesAt(name: WindowName, clientId: string, tenantId: string, now: number): number {
    const window = WINDOWS[name];
    if (!window.rolling) return dayStart(now) + DAY;
    const usage = this.usageOf(name, clientId, tenantId);
    // With a limit of 0 nothing is ever counted; the window never frees, so say a full window.
    const oldest = usage.times[usage.head];
    return oldest === undefined ? now + window.ms : oldest + window.ms;
  }

  private usageOf(name: WindowName, clientId: string, tenantId: string): Usage {
    const owner = WINDOWS[name].scope === 'app' ? `app:${clientId}` : `tenant:${tenantId}`;
    const key = `${name}|${owner}`;
    let usage = this.usage.get(key);
    if (!usage) {
      usage = { times: [], head: 0, dayStart: 0, dayCount: 0 };
      this.usage.set(key, usage);
    }
    return usage;
  }
}

function dayStart(now: number): number {
  return Math.floor(now / DAY) * DAY;
}
