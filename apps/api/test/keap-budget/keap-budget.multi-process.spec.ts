import {
  aBudgetConfig,
  BudgetHarness,
  jainIndex,
  maxInAnyWindow,
  REDIS_URL,
} from '../support/keap-budget/keap-budget.testing';
import { runBudgetChildren } from '../support/keap-budget/run-budget-children';
import type { BudgetChildInput } from '../support/keap-budget/budget-child';
import { KeapSandboxHarness } from '../support/keap-budget/keap-sandbox-harness';
import { scaledKeapBudgetConfig } from '../../src/config/keap-budget.config';

/** Three processes (tsx children), each with its own Redis connection, share one budget. */
describe('Keap budget across processes (real Redis, child processes)', () => {
  jest.setTimeout(60_000);
  let h: BudgetHarness;
  beforeEach(() => {
    h = new BudgetHarness();
  });
  afterEach(() => h.close());

  const child = (
    input: Partial<BudgetChildInput> & Pick<BudgetChildInput, 'jobs' | 'config'>,
  ): BudgetChildInput => ({
    redisUrl: REDIS_URL,
    keyPrefix: h.prefix,
    ...input,
  });

  it('holds the per-second and per-minute budgets for all processes together', async () => {
    // Times are taken when each child's acquire resolves; the guard covers the delivery delay.
    const config = aBudgetConfig({
      perSecond: 5,
      secondMs: 200,
      perMinute: 20,
      minuteMs: 1000,
      guardMs: 60,
    });
    const jobs = (n: number) =>
      [0, 1, 2].map((i) => ({
        accountId: `p${n}a${i}`,
        count: 7,
        priority: 'interactive' as const,
        kind: 'contacts.get',
      }));
    const results = (
      await runBudgetChildren([0, 1, 2].map((n) => child({ config, jobs: jobs(n) })))
    ).flat();
    expect(results).toHaveLength(63);
    expect(results.every((r) => r.ok)).toBe(true);
    const times = results.map((r) => r.grantedAt);
    expect(maxInAnyWindow(times, config.secondMs)).toBeLessThanOrEqual(5);
    expect(maxInAnyWindow(times, config.minuteMs)).toBeLessThanOrEqual(20);
  });

  it('holds the day budget for all processes together', async () => {
    const config = aBudgetConfig({ perDay: 25, maxWaitMs: 1500 });
    const jobs = (n: number) => [
      { accountId: `p${n}`, count: 15, priority: 'background' as const, kind: 'notes.create' },
    ];
    const results = (
      await runBudgetChildren([0, 1, 2].map((n) => child({ config, jobs: jobs(n) })))
    ).flat();
    expect(results.filter((r) => r.ok)).toHaveLength(25);
    expect(results.filter((r) => !r.ok).map((r) => r.error)).toEqual(
      Array(20).fill('KeapBudgetWaitTimeoutError'),
    );
    expect((await h.budget(config).getReport()).day).toEqual({ limit: 25, used: 25, left: 0 });
  });

  describe('against the Keap sandbox with its quota set low', () => {
    // The sandbox's clock runs 10x: its second lasts 100 ms and its minute 6 s, and the budget is
    // configured to the same (low) quotas over the same scaled windows.
    const TIME_SCALE = 10;
    const quotas = {
      appPerSecond: 4,
      appPerMinute: 120,
      appPerDay: 100_000,
      tenantPerMinute: 30,
      tenantPerDay: 100_000,
    };
    const accounts = Array.from({ length: 20 }, (_, i) => `acct${String(i).padStart(2, '0')}`);
    const BIG = 'acct00';
    const SMALL_CALLS = 4;
    let keap: KeapSandboxHarness;
    beforeEach(async () => {
      keap = await KeapSandboxHarness.start({ timeScale: TIME_SCALE, quotas, accounts });
    });
    afterEach(() => keap.close());

    it('a burst from 20 accounts draws no 429, every call completes, and the small accounts are not starved by the big one', async () => {
      const config = scaledKeapBudgetConfig(TIME_SCALE, {
        perSecond: quotas.appPerSecond,
        perMinute: quotas.appPerMinute,
        perDay: quotas.appPerDay,
        tenantPerMinute: quotas.tenantPerMinute,
        tenantPerDay: quotas.tenantPerDay,
        // grant-to-arrival jitter of HTTP calls on a busy 2-core machine (seen near 100 ms)
        guardMs: 100,
      });
      const jobsOf = (accountIds: string[]) =>
        accountIds.map((accountId) => ({
          accountId,
          count: accountId === BIG ? 50 : SMALL_CALLS,
          priority: 'interactive' as const,
          kind: 'contacts.list',
        }));
      const tokens = Object.fromEntries(keap.tokens);
      const split = [accounts.slice(0, 7), accounts.slice(7, 14), accounts.slice(14)];
      // To measure fairness from a common start, hold all calls back (a shared pause, as after a
      // 429) while the three processes queue their bursts; then the budget drains the queues.
      const holder = h.budget(config);
      const perProcess = await runBudgetChildren(
        split.map((ids) =>
          child({ config, jobs: jobsOf(ids), keap: { baseUrl: keap.baseUrl, tokens } }),
        ),
        () =>
          holder.observe({ accountId: 'test-setup', priority: 'background', kind: 'hold' }, 429, {
            'retry-after': '1',
          }),
      );
      const results = perProcess.flat();

      // Every call completed, and the sandbox never had to say 429.
      expect(results).toHaveLength(50 + 19 * SMALL_CALLS);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(keap.calls().throttled).toBe(0);
      expect(keap.calls().total).toBe(results.length);

      // Fairness, measured in the global order of grants (all processes merged by time):
      const order = [...results].sort((a, b) => a.grantedAt - b.grantedAt).map((r) => r.accountId);
      const first = (a: string) => order.indexOf(a);
      const last = (a: string) => order.lastIndexOf(a);
      const bigBetween = (from: number, to: number) =>
        order.slice(from, to + 1).filter((a) => a === BIG).length;
      // 1. No starvation: while a small account is being served (its first call to its last),
      //    the big account gets at most one call per round, i.e. at most SMALL_CALLS (+1 for the
      //    processes' start-up). First-come-first-served would give it dozens.
      const smalls = accounts.filter((a) => a !== BIG);
      const starved = smalls
        .map((a) => ({ accountId: a, bigBetween: bigBetween(first(a), last(a)) }))
        .filter((s) => s.bigBetween > SMALL_CALLS + 1);
      expect(starved).toEqual([]);
      // 2. Even share: Jain's index of calls per account while all 20 were backlogged (up to the
      //    first small account's last call) is close to 1 (one account taking all would give 1/20).
      const stretch = order.slice(0, Math.min(...smalls.map(last)) + 1);
      expect(stretch.length).toBeGreaterThan(2 * accounts.length);
      expect(jainIndex(accounts.map((a) => stretch.filter((x) => x === a).length))).toBeGreaterThan(
        0.9,
      );
    });
  });
});
