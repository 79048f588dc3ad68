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
