import { decodeOptOutCursor, encodeOptOutCursor } from './opt-out-cursor';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const KEY = {
  at: '2026-12-03 17:06:20.123456+00',
  senderKey: 'phone:+14155550100',
  phone: '+17205557707',
};

describe('the opt-out list’s page cursor', () => {
  it('reads back what it wrote, microseconds and all', () => {
    expect(decodeOptOutCursor(encodeOptOutCursor(KEY))).toEqual(KEY);
  });

  it('refuses anything else', () => {
    for (const bad of [
      raw({ ...KEY, at: '2026-12-03T17:06:20Z; DROP TABLE opt_outs' }),
      raw({ ...KEY, at: 'yesterday' }),
      raw({ ...KEY, senderKey: 'someone' }),
      raw({ ...KEY, phone: '720 555 7707' }),
      raw({ at: KEY.at }),
      raw(null),
      'x',
      '%%',
    ])
      expect(decodeOptOutCursor(bad)).toBeNull();
  });
});
