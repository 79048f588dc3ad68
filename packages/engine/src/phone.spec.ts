import { formatPhone, normalisePhone } from './phone';

describe('phone normalisation', () => {
  it.each([
    ['(201) 555-0123', '+12015550123'],
    ['201.555.0123', '+12015550123'],
    ['+1 201 555 0123', '+12015550123'],
    ['1-201-555-0123', '+12015550123'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('reads %j as %s (default US)', (raw, e164) => {
    expect(normalisePhone(raw)).toBe(e164);
  });

  it('reads national numbers in the given default country', () => {
    expect(normalisePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalisePhone('06 12 34 56 78', 'FR')).toBe('+33612345678');
  });

  it.each(['', '   ', 'not a phone', '123', '555-0123', '+1 000 000 0000', null, undefined])(
    'gives null for %j',
    (raw) => {
      expect(normalisePhone(raw)).toBeNull();
    },
  );
});

describe('phone formatting', () => {
  it.each([
    ['+17205557707', '(720) 555-7707'],
    ['+442079460958', '+44 20 7946 0958'],
    ['not a phone', 'not a phone'],
  ])('writes %s as %j (default US)', (e164, written) => {
    expect(formatPhone(e164)).toBe(written);
  });

  it('writes numbers of the given default country nationally', () => {
    expect(formatPhone('+442079460958', 'GB')).toBe('020 7946 0958');
  });
});
