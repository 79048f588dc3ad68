import { isInSendWindow, nextSendTime } from './send-window';

const window = { start: '09:00', end: '20:00', defaultTimeZone: 'America/New_York' };

describe('send windows', () => {
  it('sends at once inside the window', () => {
    // 15:00 UTC is 10:00 in New York (EST).
    expect(nextSendTime(window, null, '2025-01-15T15:00:00.000Z')).toBe('2025-01-15T15:00:00.000Z');
    expect(isInSendWindow(window, null, '2025-01-15T15:00:00.000Z')).toBe(true);
  });

  it('waits for the window to open in the contact time zone', () => {
    // 03:30 UTC is 22:30 in New York: next opening 09:00 EST = 14:00 UTC.
    expect(nextSendTime(window, 'America/New_York', '2025-01-15T03:30:20.000Z')).toBe(
      '2025-01-15T14:00:00.000Z',
    );
    // 06:00 UTC is 07:00 in Paris: opens at 09:00 CET = 08:00 UTC.
    expect(nextSendTime(window, 'Europe/Paris', '2025-01-15T06:00:00.000Z')).toBe(
      '2025-01-15T08:00:00.000Z',
    );
  });

  it('uses the default time zone when the contact one is unknown or invalid', () => {
    expect(nextSendTime(window, 'Not/AZone', '2025-01-15T03:30:00.000Z')).toBe(
      '2025-01-15T14:00:00.000Z',
    );
  });

  it('handles a daylight-saving change overnight', () => {
    // The night of 8-9 March 2025 New York moves from EST to EDT: 09:00 EDT is 13:00 UTC.
    expect(nextSendTime(window, null, '2025-03-09T04:00:00.000Z')).toBe('2025-03-09T13:00:00.000Z');
  });

  it('supports windows over midnight and always-open windows', () => {
    const night = { start: '22:00', end: '02:00', defaultTimeZone: 'UTC' };
    expect(nextSendTime(night, null, '2025-01-15T23:00:00.000Z')).toBe('2025-01-15T23:00:00.000Z');
    expect(nextSendTime(night, null, '2025-01-15T12:00:00.000Z')).toBe('2025-01-15T22:00:00.000Z');
    expect(nextSendTime({ ...night, end: '22:00' }, null, '2025-01-15T12:00:00.000Z')).toBe(
      '2025-01-15T12:00:00.000Z',
    );
  });
});
