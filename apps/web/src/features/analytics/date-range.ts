/**
 * The console picks whole days in the browser's time zone; the API counts conversations started
 * at or after `from` and before `to`. So a range "from the 1st to the 3rd" is the 1st's midnight
 * to the 4th's midnight, local time: the last day counts whole.
 */

/** A day as a date input gives it (2026-01-31), or '' for none. */
export type Day = string;

export type DayRange = { from: string | null; to: string | null } | { error: string };

function midnight(day: Day, plusDays = 0): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(y, m - 1, d + plusDays);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The instants the API counts between, from the first and last day picked (either may be ''). */
export function rangeOfDays(first: Day, last: Day): DayRange {
  const from = first ? midnight(first) : null;
  const to = last ? midnight(last, 1) : null;
  if ((first && !from) || (last && !to)) return { error: 'Pick a date such as 2026-01-31.' };
  if (from && to && from >= to)
    return { error: 'The first day must be on or before the last day.' };
  return { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null };
}

/** A day `days` before `today`, as a date input takes it. */
export function dayBefore(today: Date, days: number): Day {
  const date = new Date(today.getFullYear(), today.getMonth(), today.getDate() - days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
