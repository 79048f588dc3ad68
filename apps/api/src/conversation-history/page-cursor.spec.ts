import { decodeCursor, encodeCursor } from './page-cursor';

const ID = '0b6f2f5e-8a4b-4a47-9a5e-3f6c7d1e2a10';
const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('the conversation list’s page cursor', () => {
  it('reads back what it wrote', () => {
    const cursor = { startedAt: '2026-01-31T09:00:00.000Z', id: ID };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('refuses dates PostgreSQL would not take, however JavaScript reads them', () => {
    for (const startedAt of [
      '-100000-01-01T00:00:00.000Z',
      '+275760-09-13T00:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      'Tue Mar 01 2022',
      '2026-01-31',
      '2026-02-30T00:00:00.000Z',
      '2026-01-31T09:00:00.000Z\u0000',
    ])
      expect(decodeCursor(raw({ startedAt, id: ID }))).toBeNull();
  });

  it('refuses anything else that is not a cursor it wrote', () => {
    for (const bad of [raw(null), raw([1]), raw({ startedAt: 1, id: ID }), raw({}), 'x', '%%']) {
      expect(decodeCursor(bad)).toBeNull();
    }
    expect(
      decodeCursor(raw({ startedAt: '2026-01-31T09:00:00.000Z', id: `${ID}\u0000` })),
    ).toBeNull();
  });
});
