import { parseExpiry, parseRetryAfter, readKeapRateHeaders } from './keap-rate-headers';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const options = { nowMs: NOW, defaultBackoffMs: 2000, maxBackoffMs: 60_000 };

/** Keap's headers for a response, as its docs list them. */
function keapHeaders(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'x-keap-product-quota-limit': '150000',
    'x-keap-product-quota-time-unit': 'day',
    'x-keap-product-quota-interval': '1',
    'x-keap-product-quota-available': '149000',
    'x-keap-product-quota-used': '1000',
    'x-keap-product-quota-expiry-time': String(NOW + 3_600_000),
    'x-keap-product-throttle-limit': '1500',
    'x-keap-product-throttle-time-unit': 'minute',
    'x-keap-product-throttle-available': '1400',
    'x-keap-product-throttle-used': '100',
    'x-keap-tenant-throttle-limit': '10000',
    'x-keap-tenant-throttle-time-unit': 'minute',
    'x-keap-tenant-throttle-available': '9990',
    ...overrides,
  };
}

describe('readKeapRateHeaders', () => {
  it("reads the app's day quota, minute throttle and the tenant's throttle", () => {
    const { windows, pauseMs } = readKeapRateHeaders(200, keapHeaders(), options);
    expect(pauseMs).toBe(0);
    expect(windows).toEqual([
      {
        scope: 'app',
        unit: 'day',
        limit: 150000,
        used: 1000,
        available: 149000,
        expiresAt: NOW + 3_600_000,
      },
      {
        scope: 'app',
        unit: 'minute',
        limit: 1500,
        used: 100,
        available: 1400,
        expiresAt: undefined,
      },
      // 'used' missing: derived from limit - available
      {
        scope: 'tenant',
        unit: 'minute',
        limit: 10000,
        used: 10,
        available: 9990,
        expiresAt: undefined,
      },
    ]);
  });

  it('reads nothing from a response without Keap headers', () => {
    expect(readKeapRateHeaders(200, { 'content-type': 'application/json' }, options)).toEqual({
      windows: [],
      pauseMs: 0,
    });
  });

  it('reads only the headers Keap documents: none for a tenant daily quota', () => {
    const undocumented = {
      'x-keap-tenant-quota-limit': '250000',
      'x-keap-tenant-quota-available': '0',
      'x-keap-tenant-quota-expiry-time': String(NOW + 30_000),
    };
    expect(readKeapRateHeaders(429, undocumented, options)).toEqual({
      windows: [],
      pauseMs: 2000,
    });
  });

  it('pauses for Retry-After on a 429', () => {
    expect(readKeapRateHeaders(429, keapHeaders({ 'retry-after': '7' }), options).pauseMs).toBe(
      7000,
    );
  });

  it('without Retry-After, pauses until the exhausted window drains, else for the default backoff', () => {
    const exhausted = keapHeaders({
      'x-keap-product-quota-available': '0',
      'x-keap-product-quota-expiry-time': String(NOW + 30_000),
    });
    expect(readKeapRateHeaders(429, exhausted, options).pauseMs).toBe(30_000);
    expect(readKeapRateHeaders(429, {}, options).pauseMs).toBe(2000);
  });

  it('never pauses longer than the cap on the word of one response', () => {
    expect(readKeapRateHeaders(429, { 'retry-after': '86400' }, options).pauseMs).toBe(60_000);
  });
});

describe('parseExpiry and parseRetryAfter', () => {
  it('accepts epoch milliseconds, epoch seconds, or milliseconds from now', () => {
    expect(parseExpiry(String(NOW + 5000), NOW)).toBe(NOW + 5000);
    expect(parseExpiry(String(Math.floor(NOW / 1000) + 5), NOW)).toBe(NOW + 5000);
    expect(parseExpiry('5000', NOW)).toBe(NOW + 5000);
    expect(parseExpiry('soon', NOW)).toBeUndefined();
  });

  it('accepts delta-seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000);
    expect(parseRetryAfter(new Date(NOW + 10_000).toUTCString(), NOW)).toBe(10_000);
    expect(parseRetryAfter('later', NOW)).toBeUndefined();
  });
});
