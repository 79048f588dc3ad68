/**
 * Keap's throttles and quotas, as published in "Throttles and Quotas": per OAuth app (key/secret
 * pair, across every tenant it reaches) a per-second spike limit, a per-minute throttle and a
 * daily quota that resets at 00:00 UTC; per tenant (application instance) a per-minute throttle
 * and a daily quota. Fixed windows aligned on the epoch: a day window therefore ends at midnight UTC.
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

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

type WindowName = keyof KeapQuotaLimits;

const WINDOWS: Record<WindowName, { ms: number; scope: 'app' | 'tenant' }> = {
  appPerSecond: { ms: SECOND, scope: 'app' },
  appPerMinute: { ms: MINUTE, scope: 'app' },
  appPerDay: { ms: DAY, scope: 'app' },
  tenantPerMinute: { ms: MINUTE, scope: 'tenant' },
  tenantPerDay: { ms: DAY, scope: 'tenant' },
};

export type ThrottleDecision =
  | { allowed: true; headers: Record<string, string> }
  | {
      allowed: false;
      violated: WindowName;
      retryAfterSeconds: number;
      headers: Record<string, string>;
    };

export class KeapThrottle {
  private readonly used = new Map<string, { count: number; endsAt: number }>();

  constructor(public limits: KeapQuotaLimits) {}

  reset(): void {
    this.used.clear();
  }

  /** Counts one call for the app and tenant, or refuses it when a window is full. */
  take(clientId: string, tenantId: string, now: number): ThrottleDecision {
    const names = Object.keys(WINDOWS) as WindowName[];
    const violated = names.find(
      (name) => this.count(name, clientId, tenantId, now) >= this.limits[name],
    );
    if (violated) {
      const windowEnd = windowStart(now, WINDOWS[violated].ms) + WINDOWS[violated].ms;
      return {
        allowed: false,
        violated,
        retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)),
        headers: this.headers(clientId, tenantId, now),
      };
    }
    for (const name of names) {
      const key = this.key(name, clientId, tenantId, now);
      const endsAt = windowStart(now, WINDOWS[name].ms) + WINDOWS[name].ms;
      this.used.set(key, { count: (this.used.get(key)?.count ?? 0) + 1, endsAt });
    }
    // A long-running sandbox would otherwise keep every past second's counter.
    if (this.used.size > 10_000)
      for (const [key, entry] of this.used) if (entry.endsAt <= now) this.used.delete(key);
    return { allowed: true, headers: this.headers(clientId, tenantId, now) };
  }

  /** The informational headers Keap puts on every response. */
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
    h['x-keap-product-quota-expiry-time'] = String(windowStart(now, DAY) + DAY);
    h['x-keap-tenant-id'] = tenantId;
    put('x-keap-tenant-throttle', 'tenantPerMinute', 'minute');
    put('x-keap-tenant-quota', 'tenantPerDay', 'day');
    h['x-keap-tenant-quota-expiry-time'] = String(windowStart(now, DAY) + DAY);
    return h;
  }

  private count(name: WindowName, clientId: string, tenantId: string, now: number): number {
    return this.used.get(this.key(name, clientId, tenantId, now))?.count ?? 0;
  }

  private key(name: WindowName, clientId: string, tenantId: string, now: number): string {
    const w = WINDOWS[name];
    const owner = w.scope === 'app' ? `app:${clientId}` : `tenant:${tenantId}`;
    return `${name}|${owner}|${windowStart(now, w.ms)}`;
  }
}

function windowStart(now: number, ms: number): number {
  return Math.floor(now / ms) * ms;
}
