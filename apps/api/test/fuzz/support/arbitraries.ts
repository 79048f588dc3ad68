import { Logger } from '@nestjs/common';
import fc from 'fast-check';

/** Values that broke, or could break, a parser or PostgreSQL: NULs, JSON cookies, huge dates. */
const KNOWN_BAD = [
  '',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uFFFF',
  '%00',
  'j:{"a":1}',
  'j:["x"]',
  'j:null',
  '__proto__',
  'constructor',
  "'; DROP TABLE messages; --",
  '-100000-01-01T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '1e400',
  '-0',
  '99999999999999999999999',
  'AC00000000000000000000000000000001',
  `AC${'f'.repeat(32)}\u0000`,
  '+14155550100',
  '00000000-0000-4000-8000-000000000000',
  'x'.repeat(5000),
];

/** Any text at all, mostly short, sometimes huge, often one of the known bad ones. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary' }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary-ascii' }), weight: 2 },
  { arbitrary: fc.constantFrom(...KNOWN_BAD), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', size: 'large' }), weight: 1 },
);

/** Any JSON value, its strings any text (NULs included). */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 }), weight: 3 },
  { arbitrary: nastyString, weight: 1 },
  { arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 53, -(2 ** 63), true, null, [], {}), weight: 1 },
);

/** An object with some of `keys` (the ones the endpoint reads) and others, each any JSON. */
export function objectWith(keys: string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      fc.record(Object.fromEntries(keys.map((k) => [k, anyJson])), { requiredKeys: [] }),
      fc.dictionary(nastyString, anyJson, { maxKeys: 3 }),
    )
    .map(([known, other]) => ({ ...other, ...known }));
}

/** A path segment: mostly a real id, else anything (encoded as a browser would). */
export function segment(...real: string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      ...(real.length ? [{ arbitrary: fc.constantFrom(...real), weight: 3 }] : []),
      { arbitrary: fc.uuid(), weight: 1 },
      { arbitrary: nastyString.filter((s) => s.length > 0), weight: 2 },
    )
    .map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD')));
}

/** fc.assert's settings (a failure prints its seed and path, to replay it). */
export const RUNS = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, endOnFailure: true });

/** The app's error log lines (the tests run it silent), to say why an answer was a 5xx. */
export function errorLog(): { last(): string } {
  const lines: string[] = [];
  jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
    lines.push(String(message));
  });
  return { last: () => (lines.at(-1) ?? '(nothing logged)').slice(0, 2000) };
}
