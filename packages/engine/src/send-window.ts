import type { SendWindow } from './tool.schema';

/**
 * Quiet hours. The machine never delays a send; the runtime asks `nextSendTime` when a text may go
 * out and schedules it. Pure: the time comes in, the Intl API only converts it to local time.
 */

const MINUTE = 60_000;

/**
 * `at` when it falls inside the window in the contact's time zone (or the window's default zone),
 * otherwise the next moment the window opens. ISO 8601 in, ISO 8601 out. A window whose start equals
 * its end is always open; a start later than the end spans midnight (e.g. 20:00–02:00).
 */
export function nextSendTime(
  window: SendWindow,
  timeZone: string | null | undefined,
  at: string,
): string {
  const instant = Date.parse(at);
  if (!Number.isFinite(instant)) return at;
  const zone = usableTimeZone(timeZone) ?? usableTimeZone(window.defaultTimeZone) ?? 'UTC';
  const start = minutesOfDay(window.start);
  const end = minutesOfDay(window.end);
  if (start === end) return at;
  const local = localMinutes(instant, zone);
  const open = start < end ? local >= start && local < end : local >= start || local < end;
  if (open) return at;
  // Whole minutes to the opening, from the start of the current local minute.
  const startOfMinute = instant - (instant % MINUTE);
  let candidate = startOfMinute + ((start - Math.floor(local) + 1440) % 1440) * MINUTE;
  // A daylight-saving change in between shifts local time by up to an hour: correct for it.
  for (let i = 0; i < 2; i++) {
    const drift = start - Math.floor(localMinutes(candidate, zone));
    if (drift === 0) break;
    const wrapped = ((drift + 720 + 1440) % 1440) - 720;
    candidate += wrapped * MINUTE;
  }
  return new Date(Math.max(candidate, instant)).toISOString();
}

export function isInSendWindow(
  window: SendWindow,
  timeZone: string | null | undefined,
  at: string,
): boolean {
  return nextSendTime(window, timeZone, at) === at;
}

function minutesOfDay(hhmm: string): number {
  const [hours = '0', minutes = '0'] = hhmm.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** Local minutes since midnight, with the seconds as a fraction. */
function localMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? '0');
  return get('hour') * 60 + get('minute') + get('second') / 60;
}

function usableTimeZone(timeZone: string | null | undefined): string | null {
  if (typeof timeZone !== 'string' || timeZone === '') return null;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return timeZone;
  } catch {
    return null;
  }
}
