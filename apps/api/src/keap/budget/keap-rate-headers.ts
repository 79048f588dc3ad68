/**
 * Reads Keap's rate headers (`x-keap-product-quota-*`, `x-keap-product-throttle-*`,
 * `x-keap-tenant-throttle-*`: limit, available, used, time-unit, interval, expiry-time) and a 429's
 * Retry-After into what the budget needs: how many calls Keap counted in which window, and how long
 * everyone should pause. Only the headers Keap documents ("API Token Quota and Usage Measurements",
 * and the tenant throttle of shared/specs/README.md): there is none for a tenant's daily quota, so
 * the budget keeps that window from its own count alone. Pure: no I/O, the clock is passed in.
 */

export type KeapWindowUnit = 'second' | 'minute' | 'day';

export interface KeapWindowReading {
  /** 'app': our OAuth app's budget over all accounts; 'tenant': the one Keap account's. */
  scope: 'app' | 'tenant';
  unit: KeapWindowUnit;
  limit?: number;
  used?: number;
  available?: number;
  /** When Keap says the window is drained (epoch ms), if it said. */
  expiresAt?: number;
}

export interface KeapBudgetObservation {
  windows: KeapWindowReading[];
  /** > 0 after a 429: how long every process should hold back its calls. */
  pauseMs: number;
}

const FAMILIES: { prefix: string; scope: 'app' | 'tenant'; defaultUnit: KeapWindowUnit }[] = [
  { prefix: 'x-keap-product-quota-', scope: 'app', defaultUnit: 'day' },
  { prefix: 'x-keap-product-throttle-', scope: 'app', defaultUnit: 'minute' },
  { prefix: 'x-keap-tenant-throttle-', scope: 'tenant', defaultUnit: 'minute' },
];

function int(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function unitOf(value: string | undefined, fallback: KeapWindowUnit): KeapWindowUnit {
  const v = value?.trim().toLowerCase().replace(/s$/, '');
  return v === 'second' || v === 'minute' || v === 'day' ? v : fallback;
}

/**
 * Keap documents the expiry as a "timecode"; accept epoch milliseconds, epoch seconds, or a
 * duration in milliseconds from now (small numbers), so a change of format cannot stall us.
 */
export function parseExpiry(value: string | undefined, nowMs: number): number | undefined {
  const n = int(value);
  if (n === undefined || n <= 0) return undefined;
  if (n > 1e12) return n;
  if (n > 1e9) return n * 1000;
  return nowMs + n;
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = int(value);
  if (seconds !== undefined) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export interface ReadHeadersOptions {
  nowMs: number;
  /** Pause after a 429 that names no Retry-After and no expiry. */
  defaultBackoffMs: number;
  /** Never pause longer than this on the word of one response. */
  maxBackoffMs: number;
}

export function readKeapRateHeaders(
  status: number,
  headers: Record<string, string>,
  options: ReadHeadersOptions,
): KeapBudgetObservation {
  const h = (name: string): string | undefined => headers[name] ?? headers[name.toLowerCase()];
  const windows: KeapWindowReading[] = [];
  for (const family of FAMILIES) {
    const limit = int(h(`${family.prefix}limit`));
    const available = int(h(`${family.prefix}available`));
    let used = int(h(`${family.prefix}used`));
    if (limit === undefined && available === undefined && used === undefined) continue;
    if (used === undefined && limit !== undefined && available !== undefined)
      used = limit - available;
    windows.push({
      scope: family.scope,
      unit: unitOf(h(`${family.prefix}time-unit`), family.defaultUnit),
      limit,
      used,
      available,
      expiresAt: parseExpiry(
        h(`${family.prefix}expiry-time`) ?? h(`${family.prefix}expiry`),
        options.nowMs,
      ),
    });
  }

  let pauseMs = 0;
  if (status === 429) {
    const retryAfter = parseRetryAfter(h('retry-after'), options.nowMs);
    // Without Retry-After, wait for the window Keap says is exhausted to drain.
    const exhausted = windows
      .filter((w) => w.available !== undefined && w.available <= 0 && w.expiresAt !== undefined)
      .map((w) => (w.expiresAt ?? 0) - options.nowMs);
    pauseMs =
      retryAfter ?? (exhausted.length > 0 ? Math.max(...exhausted) : options.defaultBackoffMs);
    pauseMs = Math.min(Math.max(pauseMs, 1), options.maxBackoffMs);
  }
  return { windows, pauseMs };
}
