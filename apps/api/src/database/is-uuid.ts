export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rows are keyed by uuid: anything else names no row, and PostgreSQL would refuse to compare it. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
