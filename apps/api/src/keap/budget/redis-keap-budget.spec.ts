import {
  aBudgetConfig,
  aCall,
  BudgetHarness,
  eventually,
  jainIndex,
  maxInAnyWindow,
} from '../../../test/support/keap-budget/keap-budget.testing';
import { KeapBudgetWaitTimeoutError } from './keap-budget.errors';
import type { RedisKeapBudget } from './redis-keap-budget';

describe('RedisKeapBudget (one process, real Redis)', () => {
  let h: BudgetHarness;
  beforeEach(() => {
    h = new BudgetHarness();
  });
  afterEach(() => h.close());

  /** Issue `count` calls at once and record when each was let through. */
  async function burst(
    budget: RedisKeapBudget,
    accountId: string,
    count: number,
    log: { accountId: string; at: number }[],
    kind = 'contacts.get',
  ) {
    await Promise.all(
      Array.from({ length: count }, () =>
        budget.acquire(aCall(accountId, { kind })).then(() => {
          log.push({ accountId, at: Date.now() });
        }),
      ),
    );
  }

  it('lets no more than the per-second and per-minute budgets through in any window', async () => {
    // Times are taken when each acquire resolves in this process; the guard covers that delay.
    const config = aBudgetConfig({
      perSecond: 5,
      secondMs: 100,
      perMinute: 12,
      minuteMs: 600,
      guardMs: 50,
    });
    const budget = h.budget(config);
    const log: { accountId: string; at: number }[] = [];
    await burst(budget, 'acme', 30, log);
    const times = log.map((e) => e.at);
    expect(times).toHaveLength(30);
    expect(maxInAnyWindow(times, config.secondMs)).toBeLessThanOrEqual(5);
    expect(maxInAnyWindow(times, config.minuteMs)).toBeLessThanOrEqual(12);
    // and it does not hold back more than it must: 30 calls at 12 a "minute" take about 2 windows
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(config.minuteMs * 3);
  });

  it('counts calls by account and kind and reports the budget left', async () => {
    const budget = h.budget(aBudgetConfig({ perMinute: 50, minuteMs: 5000 }));
    const log: { accountId: string; at: number }[] = [];
    await burst(budget, 'acme', 3, log, 'contacts.get');
    await burst(budget, 'acme', 2, log, 'notes.create');
    await burst(budget, 'globex', 1, log, 'tags.apply');
    const report = await budget.getReport();
    expect(report.minute).toEqual({ limit: 50, used: 6, left: 44 });
    expect(report.day.used).toBe(6);
    expect(report.accounts).toEqual([
      expect.objectContaining({
        accountId: 'acme',
        total: 5,
        calls: { 'contacts.get': 3, 'notes.create': 2 },
      }),
      expect.objectContaining({ accountId: 'globex', total: 1, calls: { 'tags.apply': 1 } }),
    ]);
  });

  it('enforces the per-account (tenant) limit while other accounts go on', async () => {
    const budget = h.budget(
      aBudgetConfig({ tenantPerMinute: 3, minuteMs: 60_000, maxWaitMs: 400 }),
    );
    const results = await Promise.allSettled([
      ...Array.from({ length: 5 }, () => budget.acquire(aCall('big'))),
      ...Array.from({ length: 3 }, () => budget.acquire(aCall('small'))),
    ]);
    const big = results.slice(0, 5);
    const small = results.slice(5);
    expect(big.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(
      big.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason),
    ).toEqual([expect.any(KeapBudgetWaitTimeoutError), expect.any(KeapBudgetWaitTimeoutError)]);
    expect(small.every((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('enforces the per-account (tenant) DAY limit: the spent account is held, another is granted', async () => {
    // The minute windows are wide open; only the tenant's day quota (3) binds.
    const budget = h.budget(
      aBudgetConfig({ tenantPerDay: 3, tenantPerMinute: 1000, dayMs: 3_600_000, maxWaitMs: 400 }),
    );
    for (let i = 0; i < 3; i++) await budget.acquire(aCall('spent'));
    const [held, other] = await Promise.allSettled([
      budget.acquire(aCall('spent')),
      budget.acquire(aCall('fresh')),
    ]);
    expect(held).toEqual({
      status: 'rejected',
      reason: expect.any(KeapBudgetWaitTimeoutError),
    });
    expect(other.status).toBe('fulfilled');
    const report = await budget.getReport();
    expect(report.accounts.find((a) => a.accountId === 'spent')?.day).toEqual({
      limit: 3,
      used: 3,
      left: 0,
    });
  });

  it("shrinks an account's tenant window to what Keap's tenant throttle headers say is left", async () => {
    const budget = h.budget(
      aBudgetConfig({ tenantPerMinute: 100, minuteMs: 60_000, maxWaitMs: 400 }),
    );
    await budget.acquire(aCall('acme'));
    // Keap counted 98 of this tenant's 100 calls this minute (its own other integrations).
    await budget.observe(aCall('acme'), 200, {
      'x-keap-tenant-throttle-limit': '100',
      'x-keap-tenant-throttle-time-unit': 'minute',
      'x-keap-tenant-throttle-available': '2',
      'x-keap-tenant-throttle-used': '98',
    });
    const acme = async () =>
      (await budget.getReport()).accounts.find((a) => a.accountId === 'acme');
    expect((await acme())?.minute.left).toBe(2);
    // Held here, before Keap would answer 429: two go out, the rest wait; other tenants go on.
    const results = await Promise.allSettled([
      ...Array.from({ length: 4 }, () => budget.acquire(aCall('acme'))),
      budget.acquire(aCall('globex')),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect((await acme())?.minute).toEqual({ limit: 100, used: 100, left: 0 });
  });

  it('serves accounts round-robin: a small account is not stuck behind a big burst', async () => {
    // 10 calls per 200 ms; 'big' queues 60 calls first, then four small accounts 5 each.
    const budget = h.budget(aBudgetConfig({ perSecond: 10, secondMs: 200, perMinute: 1000 }));
    const log: { accountId: string; at: number }[] = [];
    const bigDone = burst(budget, 'big', 60, log);
    await eventually(
      'big account queued',
      async () => (await budget.getReport()).waiting.interactive >= 40 || undefined,
    );
    const smallDone = Promise.all(['s1', 's2', 's3', 's4'].map((a) => burst(budget, a, 5, log)));
    await Promise.all([bigDone, smallDone]);
    const firstSmall = log.findIndex((e) => e.accountId !== 'big');
    const lastSmall = log.map((e) => e.accountId !== 'big').lastIndexOf(true);
    // Fair share with 5 backlogged accounts: each small account's 5 calls are done within
    // 5 rounds of 5 grants after the small accounts arrive (+ one dispatch batch of slack).
    expect(lastSmall - firstSmall).toBeLessThanOrEqual(5 * 5 + 10);
    // While all five were backlogged, throughput was even (Jain's index over per-account counts).
    const window = log.slice(firstSmall, lastSmall + 1);
    const perAccount = ['big', 's1', 's2', 's3', 's4'].map(
      (a) => window.filter((e) => e.accountId === a).length,
    );
    expect(jainIndex(perAccount)).toBeGreaterThan(0.9);
  });

  it('lets interactive calls go ahead of background calls', async () => {
    const budget = h.budget(aBudgetConfig({ perSecond: 2, secondMs: 150, perMinute: 1000 }));
    const order: string[] = [];
    const track = (p: Promise<unknown>, label: string) => p.then(() => order.push(label));
    // Use up the budget, then queue background work before interactive work.
    await Promise.all([budget.acquire(aCall('a')), budget.acquire(aCall('a'))]);
    const waiting = [
      ...Array.from({ length: 4 }, (_, i) =>
        track(
          budget.acquire(aCall('b', { priority: 'background', kind: 'notes.create' })),
          `bg${i}`,
        ),
      ),
    ];
    await eventually(
      'background queued',
      async () => (await budget.getReport()).waiting.background === 4 || undefined,
    );
    waiting.push(
      ...Array.from({ length: 2 }, (_, i) =>
        track(budget.acquire(aCall('c', { priority: 'interactive' })), `int${i}`),
      ),
    );
    await Promise.all(waiting);
    expect(order.slice(0, 2).sort()).toEqual(['int0', 'int1']);
  });

  it('after a 429, pauses every process for Retry-After, not only the caller', async () => {
    const config = aBudgetConfig();
    const caller = h.budget(config);
    const other = h.budget(config); // another process: its own connection
    await caller.observe(aCall('acme'), 429, { 'retry-after': '1' });
    expect((await other.getReport()).pausedForMs).toBeGreaterThan(800);
    const started = Date.now();
    await other.acquire(aCall('globex'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect((await other.getReport()).accounts).toContainEqual(
      expect.objectContaining({ accountId: 'acme', throttled: 1 }),
    );
  });

  it('widens its guard after a 429 nobody saw coming: once per pause, doubling, up to a cap', async () => {
    const budget = h.budget(aBudgetConfig({ adaptiveGuardMs: 20, adaptiveGuardMaxMs: 50 }));
    const throttled = (retryAfter: string) =>
      budget.observe(aCall('acme'), 429, { 'retry-after': retryAfter });
    await throttled('1');
    await throttled('1'); // the same burst: one surprise
    expect((await budget.getReport()).extraGuardMs).toBe(20);
    await budget.observe(aCall('acme'), 429, { 'retry-after': 'Thu, 01 Jan 1970 00:00:00 GMT' }); // still paused
    expect((await budget.getReport()).extraGuardMs).toBe(20);
    const redis = h.redis();
    await redis.del(`${h.prefix}:pause`); // the pause ran out
    await throttled('0');
    expect((await budget.getReport()).extraGuardMs).toBe(40);
    await redis.del(`${h.prefix}:pause`);
    await throttled('0');
    expect((await budget.getReport()).extraGuardMs).toBe(50);
  });

  it('shrinks its budget to what Keap says is left (calls it did not see)', async () => {
    const budget = h.budget(aBudgetConfig({ perMinute: 100, minuteMs: 60_000, maxWaitMs: 300 }));
    await budget.acquire(aCall('acme'));
    // Keap has counted 98 of the app's 100 calls this minute (another deployment on the same key).
    await budget.observe(aCall('acme'), 200, {
      'x-keap-product-throttle-limit': '100',
      'x-keap-product-throttle-available': '2',
      'x-keap-product-throttle-used': '98',
      'x-keap-product-throttle-time-unit': 'minute',
    });
    expect((await budget.getReport()).minute.left).toBe(2);
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => budget.acquire(aCall('acme'))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
  });

  it('adopts a lower limit Keap reports than the configured one', async () => {
    const budget = h.budget(aBudgetConfig({ perDay: 1000 }));
    await budget.observe(aCall('acme'), 200, {
      'x-keap-product-quota-limit': '500',
      'x-keap-product-quota-used': '10',
      'x-keap-product-quota-available': '490',
      'x-keap-product-quota-time-unit': 'day',
    });
    expect((await budget.getReport()).day).toEqual({ limit: 500, used: 10, left: 490 });
  });

  it('holds an unanswered call in its windows for maxInFlightMs: Keap may receive it late', async () => {
    // 2 calls per 100 ms window; neither granted call is answered (a slow network, a dead process).
    const budget = h.budget(
      aBudgetConfig({ perSecond: 2, secondMs: 100, guardMs: 0, maxInFlightMs: 600 }),
    );
    const first = [aCall('acme'), aCall('acme')];
    await Promise.all(first.map((c) => budget.acquire(c)));
    const started = Date.now();
    await budget.acquire(aCall('acme'));
    // Without in-flight accounting the window would free after 100 ms; held, it frees after 600 + 100.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('frees an answered call one window span after its answer, not after its in-flight hold (a network failure counts as an answer)', async () => {
    // pollMs 60 s: only the wake the answer schedules can let the waiter through within maxWaitMs.
    const config = aBudgetConfig({
      perSecond: 2,
      secondMs: 100,
      guardMs: 0,
      maxInFlightMs: 60_000,
      pollMs: 60_000,
      maxWaitMs: 5000,
    });
    const budget = h.budget(config);
    const first = await Promise.all([budget.acquire(aCall('acme')), budget.acquire(aCall('acme'))]);
    const waiter = budget.acquire(aCall('acme'));
    await eventually(
      'the third call queued',
      async () => (await budget.getReport()).waiting.interactive === 1 || undefined,
    );
    const answeredAt = Date.now();
    // The client answers the gate with the grant it was given.
    await budget.observe(first[0]!, 200, {});
    await budget.observe(first[1]!, 0, {});
    // Held for 60 s (or woken at the 60 s poll) this would time out after 5 s.
    await expect(waiter).resolves.toEqual(expect.objectContaining({ accountId: 'acme' }));
    // ...and not before the answered call's window span has passed.
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(100 - 5);
    expect((await budget.getReport()).day.used).toBe(3);
  });

  it("wakes another process's waiter when this process's call is answered", async () => {
    const config = aBudgetConfig({
      perSecond: 1,
      secondMs: 100,
      guardMs: 0,
      maxInFlightMs: 60_000,
      pollMs: 60_000,
      maxWaitMs: 5000,
    });
    const caller = h.budget(config);
    const other = h.budget(config);
    const grant = await caller.acquire(aCall('acme'));
    const waiter = other.acquire(aCall('globex'));
    await eventually(
      'the other call queued',
      async () => (await caller.getReport()).waiting.interactive === 1 || undefined,
    );
    await caller.observe(grant, 200, {});
    await expect(waiter).resolves.toEqual(expect.objectContaining({ accountId: 'globex' }));
  });

  it('tells the Keap client to give up on a call by the time it stops counting it', () => {
    const budget = h.budget(aBudgetConfig({ maxInFlightMs: 7000 }));
    expect(budget.maxCallMs).toBe(7000);
  });

  it('drops the waiters of a process that died instead of spending budget on them', async () => {
    const config = aBudgetConfig({ perSecond: 1, secondMs: 300, leaseMs: 300, perMinute: 1000 });
    const survivor = h.budget(config);
    await survivor.acquire(aCall('acme')); // the budget is now spent for 300 ms
    // A process queues a call and dies without a word: its connection drops, its timers stop.
    const dying = h.budget(config);
    void dying.acquire(aCall('acme')).catch(() => undefined);
    await eventually(
      'dead waiter queued',
      async () => (await survivor.getReport()).waiting.interactive === 1 || undefined,
    );
    await dying.close(); // closing takes its waiters out the same way a lapsed lease does
    const started = Date.now();
    await survivor.acquire(aCall('acme'));
    expect(Date.now() - started).toBeLessThan(1000);
    const report = await survivor.getReport();
    expect(report.day.used).toBe(2);
  });

  it('drops a waiter whose lease lapsed (the process was killed)', async () => {
    const config = aBudgetConfig({ perSecond: 1, secondMs: 400, leaseMs: 200, perMinute: 1000 });
    const survivor = h.budget(config);
    await survivor.acquire(aCall('acme'));
    // Queue a waiter straight into Redis the way a killed process leaves it: no one renews it.
    const raw = h.redis();
    const prefix = h.prefix;
    await raw.rpush(`${prefix}:q:i:acme`, 'ghost|contacts.get');
    await raw.zadd(`${prefix}:leases`, Date.now() + 100, 'ghost');
    const before = await raw.lpush(`${prefix}:ring:i`, 'acme');
    expect(before).toBe(1);
    await survivor.acquire(aCall('acme'));
    const report = await survivor.getReport();
    expect(report.day.used).toBe(2); // the ghost got nothing
    expect(report.waiting.interactive).toBe(0);
  });
});
