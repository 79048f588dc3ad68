import { DEFAULT_KEAP_TIMEOUT_MS } from '@sms-seq/crm-keap';
import { z } from 'zod';

/**
 * The shape of Keap's limit for one OAuth app (see shared/specs/README.md) and the knobs of the
 * limiter. Window lengths are configurable so tests and the bench can run Keap's real limits
 * scaled down in time (1 minute -> 1 s).
 */
export interface KeapBudgetConfig {
  /** App-wide, over all accounts together. */
  perSecond: number;
  perMinute: number;
  perDay: number;
  /** Per account (Keap tenant). */
  tenantPerMinute: number;
  tenantPerDay: number;
  secondMs: number;
  minuteMs: number;
  /** The day window is fixed (Keap resets at 00:00 UTC); with the real 86,400,000 it is aligned to UTC days. */
  dayMs: number;
  /** Each sliding-window entry is kept this much longer, to absorb jitter between our grant and Keap receiving the call. */
  guardMs: number;
  /** A waiter whose process stops renewing it for this long is dropped (the process died). */
  leaseMs: number;
  /** The longest a process waits before asking Redis again when it has heard nothing. */
  pollMs: number;
  /** Pause everyone this long after a 429 that names no Retry-After. */
  defaultBackoffMs: number;
  maxBackoffMs: number;
  /** Give up waiting after this long (0: wait as long as it takes). */
  maxWaitMs: number;
  /**
   * After a 429 nobody saw coming, every window's guard grows by this much, doubling on each
   * further surprise up to `adaptiveGuardMaxMs`, and lapses `adaptiveGuardTtlMs` after the last one.
   */
  adaptiveGuardMs: number;
  adaptiveGuardMaxMs: number;
  adaptiveGuardTtlMs: number;
  /** At most this many grants per Redis round trip (bounds script run time). */
  maxGrantsPerDispatch: number;
  /**
   * A granted call counts in its windows as if it reached Keap up to this long after the grant,
   * until its answer (`observe`) says when it did at the latest. Bounds what a call that is never
   * answered (dead process) holds; answered calls free their slot one window span after their
   * answer. The Keap client gives up on a call by then (the gate's `maxCallMs`), so no call
   * reaches Keap after it stopped counting.
   */
  maxInFlightMs: number;
  /**
   * A fair day: the app's (and each account's) call rate over this recent window, extrapolated
   * to 00:00 UTC, projects the day's use; when that exceeds the day limit, campaign starts of
   * accounts above their fair share are paced (see README, "A fair day").
   */
  fairDayWindowMs: number;
  /** The fair share (a water level over all accounts) is recomputed at most this often. */
  fairDayRefreshMs: number;
}

export const KEAP_REAL_LIMITS = {
  perSecond: 25,
  perMinute: 1500,
  perDay: 150_000,
  tenantPerMinute: 10_000,
  tenantPerDay: 250_000,
} as const;

export const DEFAULT_KEAP_BUDGET_CONFIG: KeapBudgetConfig = {
  ...KEAP_REAL_LIMITS,
  secondMs: 1000,
  minuteMs: 60_000,
  dayMs: 86_400_000,
  guardMs: 50,
  leaseMs: 15_000,
  pollMs: 1000,
  defaultBackoffMs: 2000,
  maxBackoffMs: 120_000,
  maxWaitMs: 0,
  adaptiveGuardMs: 50,
  adaptiveGuardMaxMs: 1000,
  adaptiveGuardTtlMs: 600_000,
  maxGrantsPerDispatch: 200,
  // As long as the Keap client's own time-out: a call is counted for as long as it can be on its way.
  maxInFlightMs: DEFAULT_KEAP_TIMEOUT_MS,
  fairDayWindowMs: 900_000,
  fairDayRefreshMs: 10_000,
};

/** Below this, the Keap client's time-out (capped by `maxInFlightMs`) would cut off calls Keap answers normally. */
export const MIN_IN_FLIGHT_MS = 5000;

/** Keap's real limits with time compressed `factor` times (60: a minute lasts a second). */
export function scaledKeapBudgetConfig(
  factor: number,
  overrides: Partial<KeapBudgetConfig> = {},
): KeapBudgetConfig {
  const d = DEFAULT_KEAP_BUDGET_CONFIG;
  return {
    ...d,
    secondMs: d.secondMs / factor,
    minuteMs: d.minuteMs / factor,
    dayMs: d.dayMs / factor,
    guardMs: d.guardMs / factor,
    leaseMs: Math.max(1000, d.leaseMs / factor),
    pollMs: Math.max(20, d.pollMs / factor),
    defaultBackoffMs: d.defaultBackoffMs / factor,
    maxBackoffMs: d.maxBackoffMs / factor,
    adaptiveGuardMs: d.adaptiveGuardMs / factor,
    adaptiveGuardMaxMs: d.adaptiveGuardMaxMs / factor,
    adaptiveGuardTtlMs: d.adaptiveGuardTtlMs / factor,
    // Not scaled below what a real call can take: the client's time-out is this long.
    maxInFlightMs: Math.max(MIN_IN_FLIGHT_MS, d.maxInFlightMs / factor),
    fairDayWindowMs: d.fairDayWindowMs / factor,
    fairDayRefreshMs: d.fairDayRefreshMs / factor,
    ...overrides,
  };
}

const positiveInt = (name: string, fallback: number) =>
  z.coerce
    .number({ message: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be above 0`)
    .default(fallback);
const positive = (name: string, fallback: number) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .positive(`${name} must be above 0`)
    .default(fallback);

const d = DEFAULT_KEAP_BUDGET_CONFIG;
/** The KEAP_BUDGET_* variables; part of the app's configuration schema (config/config.ts). */
export const keapBudgetEnvShape = {
  KEAP_BUDGET_PER_SECOND: positiveInt('KEAP_BUDGET_PER_SECOND', d.perSecond),
  KEAP_BUDGET_PER_MINUTE: positiveInt('KEAP_BUDGET_PER_MINUTE', d.perMinute),
  KEAP_BUDGET_PER_DAY: positiveInt('KEAP_BUDGET_PER_DAY', d.perDay),
  KEAP_BUDGET_TENANT_PER_MINUTE: positiveInt('KEAP_BUDGET_TENANT_PER_MINUTE', d.tenantPerMinute),
  KEAP_BUDGET_TENANT_PER_DAY: positiveInt('KEAP_BUDGET_TENANT_PER_DAY', d.tenantPerDay),
  /** Compress time (tests, demos against the sandbox): 60 makes a minute last a second. */
  KEAP_BUDGET_TIME_SCALE: positive('KEAP_BUDGET_TIME_SCALE', 1),
  KEAP_BUDGET_GUARD_MS: z.coerce.number().min(0).optional(),
  KEAP_BUDGET_MAX_WAIT_MS: z.coerce.number().min(0).default(0),
  KEAP_BUDGET_KEY_PREFIX: z.string().min(1).default('sms:keap-budget'),
};
const envSchema = z.object(keapBudgetEnvShape);

export class KeapBudgetConfigError extends Error {
  override readonly name = 'KeapBudgetConfigError';
}

export interface KeapBudgetEnvConfig {
  keyPrefix: string;
  config: KeapBudgetConfig;
}

/** From the environment, or from the app's checked configuration (which holds the same variables). */
export function loadKeapBudgetConfig(
  env: Record<string, unknown> = process.env,
): KeapBudgetEnvConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new KeapBudgetConfigError(`Keap budget configuration is invalid:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const config = scaledKeapBudgetConfig(e.KEAP_BUDGET_TIME_SCALE, {
    perSecond: e.KEAP_BUDGET_PER_SECOND,
    perMinute: e.KEAP_BUDGET_PER_MINUTE,
    perDay: e.KEAP_BUDGET_PER_DAY,
    tenantPerMinute: e.KEAP_BUDGET_TENANT_PER_MINUTE,
    tenantPerDay: e.KEAP_BUDGET_TENANT_PER_DAY,
    maxWaitMs: e.KEAP_BUDGET_MAX_WAIT_MS,
    ...(e.KEAP_BUDGET_GUARD_MS !== undefined ? { guardMs: e.KEAP_BUDGET_GUARD_MS } : {}),
  });
  return { keyPrefix: e.KEAP_BUDGET_KEY_PREFIX, config };
}
