/**
 * The rows of a `RETURNING` clause as TypeORM's `query()` hands them back: for INSERT the rows
 * themselves, for UPDATE and DELETE a pair `[rows, affectedCount]`. Reading `.length` of the
 * pair is always 2, which once made every claim look won; this reads both shapes.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
