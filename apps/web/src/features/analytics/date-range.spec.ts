import { dayBefore, rangeOfDays } from './date-range';

describe('the funnel’s date range', () => {
  it('counts the last day whole: from its first day’s midnight to the midnight after the last', () => {
    expect(rangeOfDays('2026-01-01', '2026-01-03')).toEqual({
      from: new Date(2026, 0, 1).toISOString(),
      to: new Date(2026, 0, 4).toISOString(),
    });
    // One day: that day's 24 hours.
    expect(rangeOfDays('2026-02-28', '2026-02-28')).toEqual({
      from: new Date(2026, 1, 28).toISOString(),
      to: new Date(2026, 2, 1).toISOString(),
    });
  });

  it('leaves an end open when its day is not picked', () => {
    expect(rangeOfDays('', '')).toEqual({ from: null, to: null });
    expect(rangeOfDays('2026-01-31', '')).toEqual({
      from: new Date(2026, 0, 31).toISOString(),
      to: null,
    });
  });

  it('says what is wrong with a range it cannot count', () => {
    expect(rangeOfDays('2026-01-04', '2026-01-03')).toEqual({
      error: 'The first day must be on or before the last day.',
    });
    expect(rangeOfDays('yesterday', '')).toEqual({ error: 'Pick a date such as 2026-01-31.' });
  });

  it('names days back from today as a date input does', () => {
    expect(dayBefore(new Date(2026, 2, 1, 15, 30), 1)).toBe('2026-02-28');
    expect(dayBefore(new Date(2026, 0, 9), 0)).toBe('2026-01-09');
  });
});
