import {
  aBudgetConfig,
  aCall,
  BudgetHarness,
} from '../../../test/support/keap-budget/keap-budget.testing';
import type { KeapBudgetConfig } from '../../config/keap-budget.config';
import { COMMON, FAIR_DAY } from './keap-budget.lua';
import { runAsKeapWork } from './keap-work';
import type { RedisKeapBudget } from './redis-keap-budget';

/**
 * The fair day with time compressed 300 times: a "day" of 4.8 minutes, a projection window of 3 s
 * (15 minutes at real time). A burst of 100 calls then projects far past a day limit of 400,
 * which is "pressure"; one call of a small account projects to less than 100.
 */
function fairDayConfig(overrides: Partial<KeapBudgetConfig> = {}): KeapBudgetConfig {
  return aBudgetConfig({
    dayMs: 288_000,
    perDay: 400,
    tenantPerDay: 100_000,
    fairDayWindowMs: 3000,
    fairDayRefreshMs: 50,
    ...overrides,
  });
}

/** Near the end of a (compressed) day the projection is the use so far: start well inside one. */
async function awayFromDayEnd(dayMs: number, marginMs: number): Promise<void> {
  const left = dayMs - (Date.now() % dayMs);
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 50));
}

/** Whether the promise settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const done = await Promise.race([p.then(() => true), timeout]);
  clearTimeout(timer);
  return done;
}

describe('RedisKeapBudget: a fair day (real Redis, time compressed)', () => {
  let h: BudgetHarness;
  beforeEach(() => {
    h = new BudgetHarness();
  });
  afterEach(() => h.close());

  async function bigCampaign(budget: RedisKeapBudget, calls = 100): Promise<void> {
    await Promise.all(
      Array.from({ length: calls }, () => budget.acquire(aCall('big', { work: 'conversation' }))),
    );
  }

  /**
   * Pressure, with the big account over its share: a day limit of 150; the small account used 60
   * calls yesterday (so it is counted before its first call today) and the big one 100 just now.
   * Water-filling 150 between demands of 60 and (far) more gives the small one its 60 and sets
   * the share at 90, which the big account's 100 calls exceed.
   */
  async function bigOverItsShare(): Promise<RedisKeapBudget> {
    const config = fairDayConfig({ perDay: 150 });
    await awayFromDayEnd(config.dayMs, 30_000);
    const yesterday = Math.floor(Date.now() / config.dayMs) - 1;
    await h.redis().hset(`${h.prefix}:dayacc:${yesterday}`, 'small', 60);
    const budget = h.budget(config);
    await bigCampaign(budget);
    return budget;
  }

  it('under pressure, grants a small account under its share while a big account over it waits', async () => {
    const budget = await bigOverItsShare();
    // 100 calls in a 3-4 s window, extrapolated over the day's minutes left: far above 150.
    const report = await budget.getReport({ accountId: 'big' });
    expect(report.fairDay).toMatchObject({ pressure: true, share: 90, limit: 150 });
    expect(report.fairDay.account).toMatchObject({ usedToday: 100, paced: true });

    const bigStart = budget.acquire(aCall('big', { work: 'start' }));
    const smallStart = budget.acquire(aCall('small', { work: 'start' }));
    expect(await settlesWithin(smallStart, 1000)).toBe(true);
    expect(await settlesWithin(bigStart, 300)).toBe(false);
    // The big account's running conversations are not slowed, only its starts.
    expect(await settlesWithin(budget.acquire(aCall('big', { work: 'conversation' })), 1000)).toBe(
      true,
    );
    const waiting = await budget.getReport({ accountId: 'big' });
    expect(waiting.fairDay.account).toMatchObject({ paced: true, startsWaiting: 1 });
    expect(waiting.waiting.interactive).toBe(1);
    const small = await budget.getReport({ accountId: 'small' });
    expect(small.fairDay.account).toMatchObject({ usedToday: 1, paced: false });
    expect(small.fairDay.share).toBeGreaterThan(1);

    // Paced, not dropped: once the calls have aged out of the projection window, the day's 102
    // calls project to no more than the limit, and the start goes.
    expect(await settlesWithin(bigStart, 9000)).toBe(true);
    expect((await budget.getReport()).fairDay.pressure).toBe(false);
  }, 60_000);

  it('paces nobody without pressure', async () => {
    const config = fairDayConfig({ perDay: 100_000 });
    await awayFromDayEnd(config.dayMs, 30_000);
    const budget = h.budget(config);
    await bigCampaign(budget);
    const report = await budget.getReport({ accountId: 'big' });
    expect(report.fairDay).toMatchObject({ pressure: false, share: null });
    expect(report.fairDay.account).toMatchObject({ usedToday: 100, paced: false });
    expect(await settlesWithin(budget.acquire(aCall('big', { work: 'start' })), 1000)).toBe(true);
  }, 45_000);

  it('keeps an account’s starts and conversation work in arrival order while nobody is paced', async () => {
    // One call per 200 ms: the first fills the window, the next two queue.
    const config = fairDayConfig({ perDay: 100_000, perSecond: 1, secondMs: 200 });
    const budget = h.budget(config);
    await budget.acquire(aCall('acme', { work: 'conversation' }));
    const order: string[] = [];
    const start = budget.acquire(aCall('acme', { work: 'start' })).then(() => order.push('start'));
    await new Promise((r) => setTimeout(r, 20)); // queued in a later script run
    const reply = budget
      .acquire(aCall('acme', { work: 'conversation' }))
      .then(() => order.push('conversation'));
    await Promise.all([start, reply]);
    expect(order).toEqual(['start', 'conversation']);
  });

  it('marks calls made inside runAsKeapWork as that work', async () => {
    const budget = await bigOverItsShare();
    // No `work` on the call itself: the job's mark decides (as the queue worker marks HTTP-Post starts).
    const start = runAsKeapWork('start', () => budget.acquire(aCall('big')));
    expect(await settlesWithin(start, 300)).toBe(false);
    const other = runAsKeapWork('conversation', () => budget.acquire(aCall('big')));
    expect(await settlesWithin(other, 1000)).toBe(true);
    expect(await settlesWithin(start, 9000)).toBe(true);
  }, 60_000);

  it('under pressure, notes still wait behind conversation work', async () => {
    // Two calls per 100 ms, so that a queue forms and the order of grants shows.
    const config = fairDayConfig({ perSecond: 2, secondMs: 100, perDay: 100 });
    await awayFromDayEnd(config.dayMs, 30_000);
    const budget = h.budget(config);
    await bigCampaign(budget, 20);
    expect((await budget.getReport()).fairDay.pressure).toBe(true);
    const order: string[] = [];
    const call = (work: 'note' | 'conversation', i: number) =>
      budget
        .acquire(
          aCall('big', {
            work,
            // a caller that gets the priority wrong still sends its note behind conversation work
            priority: work === 'note' && i > 0 ? 'background' : 'interactive',
          }),
        )
        .then(() => order.push(work));
    await Promise.all([
      ...Array.from({ length: 3 }, (_, i) => call('note', i)),
      ...Array.from({ length: 5 }, (_, i) => call('conversation', i)),
      budget.acquire(aCall('small', { work: 'note', priority: 'background' })).then(() => {
        order.push('note');
      }),
    ]);
    expect(order).toEqual([...Array(5).fill('conversation'), ...Array(4).fill('note')]);
  }, 45_000);

  it('reports the projection as used + recent calls / the window they cover × time left', async () => {
    const config = fairDayConfig();
    await awayFromDayEnd(config.dayMs, 30_000);
    const budget = h.budget(config);
    await bigCampaign(budget, 30);
    const report = await budget.getReport();
    const bucket = config.fairDayWindowMs / 3;
    const left = report.fairDay.msLeft;
    // The window covers three full buckets and the current one's part: 3 to 4 buckets.
    expect(report.fairDay.projected).toBeGreaterThanOrEqual(
      Math.floor(30 + (30 * left) / (4 * bucket)),
    );
    expect(report.fairDay.projected).toBeLessThanOrEqual(
      Math.ceil(30 + (30 * left) / (3 * bucket)),
    );
    expect(report.fairDay.limit).toBe(400);
  }, 45_000);

  describe('the arithmetic (Lua, as the scripts run it)', () => {
    async function lua(expr: string): Promise<string> {
      const redis = h.redis();
      return String(
        await redis.eval(`${COMMON}${FAIR_DAY}\nreturn tostring(${expr})`, 0, h.prefix),
      );
    }

    it('projects the day: used + recent / covered ms × ms left', async () => {
      expect(await lua('projectDay(100, 30, 1000, 5000)')).toBe('250');
      expect(await lua('projectDay(100, 0, 1000, 5000)')).toBe('100');
      // the day is over (or nothing covered): what was used is the projection
      expect(await lua('projectDay(100, 30, 1000, 0)')).toBe('100');
      expect(await lua('projectDay(100, 30, 0, 5000)')).toBe('100');
    });

    it('water-fills: small demands are met in full, the big ones share the rest', async () => {
      // 10 and 50 fit under the level; 200 gets what is left: 150 - 10 - 50 = 90
      expect(await lua('waterLevel({ 200, 10, 50 }, 150)')).toBe('90');
      expect(await lua('waterLevel({ 100, 100 }, 50)')).toBe('25');
      expect(await lua('waterLevel({ 10, 100, 100 }, 110)')).toBe('50');
      // every demand fits: nobody is held back
      expect(await lua('waterLevel({ 10, 20 }, 100)')).toBe('nil');
      // calls Keap counted beyond the limit: nothing left, the level is 0
      expect(await lua('waterLevel({ 10, 20 }, -5)')).toBe('0');
    });
  });
});
