import { DEFAULT_KEAP_TIMEOUT_MS } from '@sms-seq/crm-keap';
import { KeapBudgetConfigError, loadKeapBudgetConfig } from './keap-budget.config';

describe('loadKeapBudgetConfig', () => {
  it("defaults to Keap's published limits over real time", () => {
    const { config, keyPrefix } = loadKeapBudgetConfig({});
    expect(config).toMatchObject({
      perSecond: 25,
      perMinute: 1500,
      perDay: 150_000,
      tenantPerMinute: 10_000,
      tenantPerDay: 250_000,
    });
    expect(config).toMatchObject({ secondMs: 1000, minuteMs: 60_000, dayMs: 86_400_000 });
    expect(keyPrefix).toBe('sms:keap-budget');
  });

  it('takes each limit and a time scale from the environment', () => {
    const { config } = loadKeapBudgetConfig({
      KEAP_BUDGET_PER_MINUTE: '600',
      KEAP_BUDGET_TENANT_PER_DAY: '1000',
      KEAP_BUDGET_TIME_SCALE: '60',
    });
    expect(config.perMinute).toBe(600);
    expect(config.tenantPerDay).toBe(1000);
    expect(config.minuteMs).toBe(1000);
    // the fair day's projection window and refresh scale with the day they look at
    expect(config).toMatchObject({ dayMs: 1_440_000, fairDayWindowMs: 15_000 });
    expect(config.fairDayRefreshMs).toBeCloseTo(10_000 / 60);
    expect(loadKeapBudgetConfig({}).config).toMatchObject({
      fairDayWindowMs: 900_000,
      fairDayRefreshMs: 10_000,
    });
  });

  it('counts a call in flight for at least as long as the Keap client waits for its answer, time scaled or not', () => {
    for (const scale of ['1', '60', '1000']) {
      const { config } = loadKeapBudgetConfig({ KEAP_BUDGET_TIME_SCALE: scale });
      expect(config.maxInFlightMs).toBeGreaterThanOrEqual(5000);
    }
    expect(loadKeapBudgetConfig({}).config.maxInFlightMs).toBeGreaterThanOrEqual(
      DEFAULT_KEAP_TIMEOUT_MS,
    );
  });

  it('names the wrong variable', () => {
    expect(() => loadKeapBudgetConfig({ KEAP_BUDGET_PER_SECOND: 'lots' })).toThrow(
      KeapBudgetConfigError,
    );
    expect(() => loadKeapBudgetConfig({ KEAP_BUDGET_PER_SECOND: '-3' })).toThrow(
      /KEAP_BUDGET_PER_SECOND/,
    );
  });
});
