import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { KeapBudgetConfig } from '../../config/keap-budget.config';
import {
  KeapBudgetClosedError,
  KeapBudgetInvalidCallError,
  KeapBudgetWaitTimeoutError,
} from './keap-budget.errors';
import {
  DISPATCH_SCRIPT,
  HEARTBEAT_SCRIPT,
  OBSERVE_SCRIPT,
  RELEASE_SCRIPT,
  REPORT_SCRIPT,
} from './keap-budget.lua';
import type { KeapCallContext, KeapGrant, KeapRequestGate } from './keap-request-gate';
import { readKeapRateHeaders } from './keap-rate-headers';
import { currentKeapWork, type KeapWork } from './keap-work';

/** A call to acquire budget for; `work` defaults to what the running job is marked as (`runAsKeapWork`). */
export interface KeapBudgetCall extends KeapCallContext {
  work?: KeapWork;
}

export interface RedisKeapBudgetOptions {
  /** Every key and the pub/sub channel start with it; one prefix = one shared budget. */
  keyPrefix: string;
  config: KeapBudgetConfig;
}

export interface KeapBudgetWindowReport {
  limit: number;
  used: number;
  left: number;
}

export interface KeapBudgetAccountReport {
  accountId: string;
  /** Calls granted today (the budget's day window), by kind. */
  calls: Record<string, number>;
  total: number;
  /** 429s Keap answered this account's calls with today. */
  throttled: number;
  minute: KeapBudgetWindowReport;
  day: KeapBudgetWindowReport;
}

export interface KeapBudgetReport {
  at: string;
  /** > 0 while every process holds back after a 429. */
  pausedForMs: number;
  /** Extra guard learned from 429s nobody saw coming (0 when calm). */
  extraGuardMs: number;
  second: KeapBudgetWindowReport;
  minute: KeapBudgetWindowReport;
  day: KeapBudgetWindowReport;
  /** Calls queued for budget right now, by priority. */
  waiting: { interactive: number; background: number };
  accounts: KeapBudgetAccountReport[];
  /** Running totals over the whole deployment (they outlive the day window): calls granted by kind, and 429s. */
  totals: { calls: Record<string, number>; throttled: number };
  fairDay: KeapFairDayReport;
}

/** The fair day (README, "A fair day"): is the app's day quota projected to run out, and who is held back. */
export interface KeapFairDayReport {
  /** The app-wide day limit (Keap's, if it reported a lower one). */
  limit: number;
  /** Calls the whole app is projected to use today: used so far + the recent rate until 00:00 UTC. */
  projected: number;
  /** The projection exceeds the limit: accounts above their fair share have their campaign starts paced. */
  pressure: boolean;
  /**
   * Under pressure, the fair share: the most calls any account is entitled to today (max-min fair
   * over every account's projected day). Null without pressure.
   */
  share: number | null;
  /** Until the day window ends (00:00 UTC at real time). */
  msLeft: number;
  /** With `getReport({ accountId })`: that account's side of it. */
  account?: {
    usedToday: number;
    /** Its own projection: calls today + its recent rate until the day ends. */
    projected: number;
    /** Its campaign starts are being held back now (under pressure, and it has used its share). */
    paced: boolean;
    /** Its campaign-start calls waiting for budget now. */
    startsWaiting: number;
  };
}

/** Calls per enqueue script run (bounds one script's run time). */
const ENQUEUE_BATCH = 500;

interface Waiter {
  ctx: KeapBudgetCall;
  resolve: () => void;
  reject: (err: Error) => void;
  startedAt: number;
  timeout?: NodeJS.Timeout;
}

type EvalClient = Redis & {
  keapBudgetDispatch(...args: (string | number)[]): Promise<[string, string]>;
  keapBudgetHeartbeat(...args: (string | number)[]): Promise<string[]>;
  keapBudgetObserve(...args: (string | number)[]): Promise<number>;
  keapBudgetReport(...args: (string | number)[]): Promise<string>;
  keapBudgetRelease(...args: (string | number)[]): Promise<number>;
};

/**
 * Keys are built inside the Lua scripts from `keyPrefix` (never by ioredis), so give this class a
 * client without ioredis' own `keyPrefix` option, or fold that prefix into `keyPrefix`.
 *
 * The one Keap API budget shared by every process (see README.md). `acquire` parks the call in a
 * per-account, per-priority queue in Redis and resolves once a dispatch (run by whichever process
 * notices budget is free) grants it; grants are announced on pub/sub, so waiters do not poll.
 * Each process renews leases on its own waiters; a waiter whose process died is dropped.
 */
export class RedisKeapBudget implements KeapRequestGate {
  private readonly redis: EvalClient;
  private subscriber: Redis | undefined;
  private subscribed: Promise<void> | undefined;
  private readonly waiters = new Map<string, Waiter>();
  /** Pairs of waiter id and call, to be queued in Redis at the end of this tick. */
  private readonly toEnqueue: (string | KeapBudgetCall)[] = [];
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  /** The pending wake dispatches even when this process has no waiters (see scheduleWake). */
  private wakeForOthers = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly channel: string;

  constructor(
    redis: Redis,
    private readonly options: RedisKeapBudgetOptions,
  ) {
    this.redis = redis as EvalClient;
    this.channel = `${options.keyPrefix}:grants`;
    const define = (name: string, lua: string): void => {
      if (!(name in this.redis)) this.redis.defineCommand(name, { numberOfKeys: 0, lua });
    };
    define('keapBudgetDispatch', DISPATCH_SCRIPT);
    define('keapBudgetHeartbeat', HEARTBEAT_SCRIPT);
    define('keapBudgetObserve', OBSERVE_SCRIPT);
    define('keapBudgetReport', REPORT_SCRIPT);
    define('keapBudgetRelease', RELEASE_SCRIPT);
  }

  get config(): KeapBudgetConfig {
    return this.options.config;
  }

  /** A call not answered within this long stops counting as in flight: the client gives up on it by then. */
  get maxCallMs(): number {
    return this.options.config.maxInFlightMs;
  }

  /** Resolves with the grant once the call may go out; answer it with `observe(grant, ...)`. */
  async acquire(call: KeapBudgetCall): Promise<KeapGrant> {
    if (this.closed) throw new KeapBudgetClosedError();
    const work = call.work ?? currentKeapWork();
    const ctx: KeapBudgetCall = work ? { ...call, work } : call;
    if (!ctx.accountId || ctx.accountId.includes('|')) {
      throw new KeapBudgetInvalidCallError(
        `accountId must be non-empty and without '|': ${JSON.stringify(ctx.accountId)}`,
      );
    }
    await this.subscribe();
    const id = randomUUID();
    const granted = new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { ctx, resolve, reject, startedAt: Date.now() };
      if (this.options.config.maxWaitMs > 0) {
        waiter.timeout = setTimeout(() => this.giveUp(id), this.options.config.maxWaitMs);
        waiter.timeout.unref();
      }
      this.waiters.set(id, waiter);
    });
    this.ensureHeartbeat();
    this.enqueue(id, ctx);
    await granted;
    return { accountId: ctx.accountId, priority: ctx.priority, kind: ctx.kind, grantId: id };
  }

  /**
   * Calls acquired in the same tick go to Redis in one script run: a campaign burst of thousands
   * of calls is a handful of round trips, and the event loop stays free to send granted calls
   * on time (a late send lands in Keap's next window).
   */
  private enqueue(id: string, ctx: KeapBudgetCall): void {
    this.toEnqueue.push(id, ctx);
    if (this.toEnqueue.length > 2) return; // a flush is already scheduled
    setImmediate(() => {
      const batch = this.toEnqueue.splice(0);
      for (let from = 0; from < batch.length; from += 2 * ENQUEUE_BATCH) {
        const part = batch.slice(from, from + 2 * ENQUEUE_BATCH);
        const args: string[] = ['enqueue'];
        const ids: string[] = [];
        for (let i = 0; i < part.length; i += 2) {
          const waiterId = part[i] as string;
          const c = part[i + 1] as KeapBudgetCall;
          args.push(laneOf(c), c.accountId, waiterId, c.kind || 'unknown');
          ids.push(waiterId);
        }
        this.dispatch(args).catch((err: Error) => {
          for (const waiterId of ids) this.settle(waiterId, err);
        });
      }
    });
  }

  /**
   * Folds a Keap answer into the shared state: the grant's call counts from now (its answer) instead
   * of as in flight, and Keap's headers correct the windows. Any context will do for the headers;
   * only a grant from `acquire` frees an in-flight slot.
   */
  async observe(grant: KeapGrant, status: number, headers: Record<string, string>): Promise<void> {
    const c = this.options.config;
    const observation = readKeapRateHeaders(status, headers, {
      nowMs: Date.now(),
      defaultBackoffMs: c.defaultBackoffMs,
      maxBackoffMs: c.maxBackoffMs,
    });
    const grantId = grant.grantId;
    if (grantId === undefined && observation.windows.length === 0 && observation.pauseMs === 0)
      return;
    const waiting = await this.redis.keapBudgetObserve(
      this.options.keyPrefix,
      grant.accountId,
      JSON.stringify(observation),
      this.secondSpan(),
      this.minuteSpan(),
      c.dayMs,
      c.adaptiveGuardMs,
      c.adaptiveGuardMaxMs,
      c.adaptiveGuardTtlMs,
      grantId ?? '',
    );
    // The pause ends by itself; make sure this process looks again when it does.
    if (observation.pauseMs > 0 && this.waiters.size > 0)
      this.scheduleWake(observation.pauseMs + 1);
    // Re-stamped with its answer, the call's slot frees one window span from now, well before the
    // wait the last dispatch computed from its in-flight hold: look again then, not at the next
    // poll. (Dispatching now would rarely grant: the slot is still taken.)
    else if (grantId !== undefined && waiting > 0 && !this.closed)
      this.scheduleWake(this.secondSpan() + 1, { evenWithoutWaiters: true });
  }

  /**
   * The budget left and what was spent. With `accountId`, `accounts` holds that account only (its
   * entry is there even before its first call): what the console may show a signed-in account.
   */
  async getReport(options: { accountId?: string } = {}): Promise<KeapBudgetReport> {
    const c = this.options.config;
    const raw = JSON.parse(
      await this.redis.keapBudgetReport(
        this.options.keyPrefix,
        this.secondSpan(),
        this.minuteSpan(),
        c.dayMs,
        options.accountId ?? '',
        c.fairDayWindowMs,
        c.fairDayRefreshMs,
        c.perDay,
      ),
    ) as RawReport;
    const capped = (limit: number, cap: number): number =>
      cap >= 0 ? Math.min(limit, cap) : limit;
    const window = (limit: number, used: number): KeapBudgetWindowReport => ({
      limit,
      used,
      left: Math.max(0, limit - used),
    });

    const accounts = new Map<string, KeapBudgetAccountReport>();
    const account = (accountId: string): KeapBudgetAccountReport => {
      let a = accounts.get(accountId);
      if (!a) {
        a = {
          accountId,
          calls: {},
          total: 0,
          throttled: 0,
          minute: window(c.tenantPerMinute, 0),
          day: window(c.tenantPerDay, 0),
        };
        accounts.set(accountId, a);
      }
      return a;
    };
    const calls = asArray(raw.calls);
    for (let i = 0; i + 1 < calls.length; i += 2) {
      const field = String(calls[i]);
      const sep = field.indexOf('|');
      const a = account(field.slice(0, sep));
      const n = Number(calls[i + 1]);
      const kind = field.slice(sep + 1);
      a.calls[kind] = (a.calls[kind] ?? 0) + n;
      a.total += n;
    }
    const throttled = asArray(raw.throttled);
    for (let i = 0; i + 1 < throttled.length; i += 2)
      account(String(throttled[i])).throttled = Number(throttled[i + 1]);
    for (const [accountId, minuteUsed, dayUsed] of asArray(raw.tenants) as [
      string,
      number,
      number,
    ][]) {
      const a = account(accountId);
      a.minute = window(c.tenantPerMinute, minuteUsed);
      a.day = window(c.tenantPerDay, dayUsed);
    }
    const totalCalls: Record<string, number> = {};
    const totalsRaw = asArray(raw.totalCalls);
    for (let i = 0; i + 1 < totalsRaw.length; i += 2)
      totalCalls[String(totalsRaw[i])] = Number(totalsRaw[i + 1]);
    const queued = (lane: 'i' | 'b'): number =>
      (asArray(raw.waiting?.[lane]) as [string, number][]).reduce((sum, [, n]) => sum + n, 0);
    return {
      at: new Date(raw.now).toISOString(),
      pausedForMs: raw.pauseMs,
      extraGuardMs: raw.xguard,
      second: window(c.perSecond, raw.second),
      minute: window(capped(c.perMinute, raw.capMinute), raw.minute),
      day: window(capped(c.perDay, raw.capDay), raw.day),
      waiting: { interactive: queued('i'), background: queued('b') },
      accounts: [...accounts.values()].sort((x, y) => x.accountId.localeCompare(y.accountId)),
      totals: { calls: totalCalls, throttled: Number(raw.total429) || 0 },
      fairDay: fairDayReport(raw),
    };
  }

  /** Stop timers and pub/sub; calls still waiting are rejected and dropped from the queues. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.wakeTimer);
    clearInterval(this.heartbeatTimer);
    const ids = [...this.waiters.keys()];
    for (const id of ids) this.settle(id, new KeapBudgetClosedError());
    if (ids.length > 0) {
      // Without a lease the next dispatch drops them instead of spending budget on them.
      await this.redis.keapBudgetRelease(this.options.keyPrefix, ...ids).catch(() => undefined);
    }
    if (this.subscriber) await this.subscriber.quit().catch(() => undefined);
  }

  private secondSpan(): number {
    return this.options.config.secondMs + this.options.config.guardMs;
  }

  private minuteSpan(): number {
    return this.options.config.minuteMs + this.options.config.guardMs;
  }

  private subscribe(): Promise<void> {
    if (!this.subscribed) {
      const sub = this.redis.duplicate();
      this.subscriber = sub;
      sub.on('message', (_channel: string, message: string) => this.onGrants(message));
      sub.on('error', () => undefined); // reconnects by itself; the heartbeat covers what it missed
      this.subscribed = sub.subscribe(this.channel).then(() => undefined);
    }
    return this.subscribed;
  }

  private onGrants(message: string): void {
    let parsed: { ids?: unknown; wait?: unknown };
    try {
      parsed = JSON.parse(message) as { ids?: unknown; wait?: unknown };
    } catch {
      return;
    }
    for (const id of asArray(parsed.ids)) this.settle(String(id));
    this.afterDispatch(Number(parsed.wait));
  }

  private async dispatch(extra: (string | number)[] = []): Promise<void> {
    const c = this.options.config;
    const [grantedJson, wait] = await this.redis.keapBudgetDispatch(
      this.options.keyPrefix,
      c.perSecond,
      c.perMinute,
      c.perDay,
      c.tenantPerMinute,
      c.tenantPerDay,
      this.secondSpan(),
      this.minuteSpan(),
      c.dayMs,
      c.leaseMs,
      c.maxGrantsPerDispatch,
      c.maxInFlightMs,
      c.fairDayWindowMs,
      c.fairDayRefreshMs,
      ...(extra.length > 0 ? extra : ['dispatch']),
    );
    for (const id of asArray(JSON.parse(grantedJson))) this.settle(String(id));
    this.afterDispatch(Number(wait));
  }

  /** After any dispatch: if this process still has waiters, look again when budget frees up. */
  private afterDispatch(waitMs: number): void {
    if (this.closed || this.waiters.size === 0) return;
    const poll = this.options.config.pollMs;
    // -1: nothing queued that could be granted (ours may be queued behind a dispatch in flight).
    const delay = !Number.isFinite(waitMs) || waitMs < 0 ? poll : Math.min(waitMs + 1, poll);
    this.scheduleWake(delay);
  }

  /**
   * One timer per process for the next dispatch. `evenWithoutWaiters`: other processes' calls may
   * be the ones waiting (a slot this process's answered call frees); the grant reaches them by
   * pub/sub.
   */
  private scheduleWake(delayMs: number, options: { evenWithoutWaiters?: boolean } = {}): void {
    // A little jitter so that processes woken by the same event do not all hit Redis at once.
    const at = Date.now() + delayMs + Math.random() * Math.min(5, delayMs / 4 + 1);
    if (options.evenWithoutWaiters) this.wakeForOthers = true;
    if (this.wakeTimer && at >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        const forOthers = this.wakeForOthers;
        this.wakeTimer = undefined;
        this.wakeAt = Infinity;
        this.wakeForOthers = false;
        if (this.closed || (this.waiters.size === 0 && !forOthers)) return;
        this.dispatch().catch(() => this.scheduleWake(this.options.config.pollMs));
      },
      Math.max(0, at - Date.now()),
    );
    this.wakeTimer.unref();
  }

  private ensureHeartbeat(): void {
    if (this.heartbeatTimer) return;
    const every = Math.max(50, Math.floor(this.options.config.leaseMs / 3));
    this.heartbeatTimer = setInterval(() => {
      if (this.waiters.size === 0) {
        clearInterval(this.heartbeatTimer);
        this.heartbeatTimer = undefined;
        return;
      }
      this.heartbeat().catch(() => undefined);
    }, every);
    this.heartbeatTimer.unref();
  }

  /** Renew leases, pick up grants whose pub/sub message was missed, re-queue waiters lost in Redis. */
  private async heartbeat(): Promise<void> {
    const ids = [...this.waiters.keys()];
    if (ids.length === 0) return;
    const states = await this.redis.keapBudgetHeartbeat(
      this.options.keyPrefix,
      this.options.config.leaseMs,
      ...ids,
    );
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const waiter = this.waiters.get(id);
      if (!waiter) continue;
      if (states[i] === 'g') this.settle(id);
      else if (states[i] === 'x') {
        // The lease lapsed (this process stalled longer than leaseMs): queue the call again.
        this.enqueue(id, waiter.ctx);
      }
    }
  }

  private giveUp(id: string): void {
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    this.settle(
      id,
      new KeapBudgetWaitTimeoutError(waiter.ctx.accountId, Date.now() - waiter.startedAt),
    );
    void this.redis.keapBudgetRelease(this.options.keyPrefix, id).catch(() => undefined);
  }

  private settle(id: string, err?: Error): void {
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    this.waiters.delete(id);
    clearTimeout(waiter.timeout);
    if (err) waiter.reject(err);
    else waiter.resolve();
  }
}

interface RawReport {
  now: number;
  xguard: number;
  pauseMs: number;
  second: number;
  minute: number;
  day: number;
  capMinute: number;
  capDay: number;
  calls: unknown;
  throttled: unknown;
  waiting?: { i?: unknown; b?: unknown };
  tenants: unknown;
  totalCalls: unknown;
  total429: number;
  fair: { projection: number; level: number; limit: number; msLeft: number };
  own?: { demand: number; used: number; startsWaiting: number };
}

/** The Lua queue a call waits in: campaign starts ('s') apart, so that they alone can be held back. */
function laneOf(call: KeapBudgetCall): 'i' | 's' | 'b' {
  if (call.work === 'note') return 'b';
  if (call.work === 'start' && call.priority === 'interactive') return 's';
  return call.priority === 'interactive' ? 'i' : 'b';
}

function fairDayReport(raw: RawReport): KeapFairDayReport {
  const f = raw.fair;
  const share = f.level >= 0 ? Math.floor(f.level) : null;
  const report: KeapFairDayReport = {
    limit: f.limit,
    projected: Math.round(f.projection),
    pressure: f.projection > f.limit,
    share,
    msLeft: Math.max(0, Math.round(f.msLeft)),
  };
  if (raw.own) {
    report.account = {
      usedToday: raw.own.used,
      projected: Math.round(raw.own.demand),
      // the same test the dispatch makes before granting a start
      paced: f.level >= 0 && raw.own.used >= f.level,
      startsWaiting: raw.own.startsWaiting,
    };
  }
  return report;
}

/** cjson encodes an empty Lua table as {}: read that as an empty list. */
function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
