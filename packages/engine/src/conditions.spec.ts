import {
  betweenNeverMatches,
  conditionMatches,
  decide,
  wildcardMatches,
  normaliseForMatch,
} from './conditions';
import type { Condition, Inequality } from './tool.schema';
import { between, compareTo, decideBy, equalsAny } from './testing/builders';

const matches = (condition: Condition, reply: string, fields = {}) =>
  conditionMatches(condition, reply, fields);

describe('equals any of', () => {
  it('ignores case and surrounding whitespace', () => {
    const yes = equalsAny(['Yes', 'yep']);
    expect(matches(yes, '  YES ')).toBe(true);
    expect(matches(yes, 'yep')).toBe(true);
    expect(matches(yes, 'yes please')).toBe(false);
    expect(matches(yes, 'no')).toBe(false);
  });

  it('collapses inner whitespace', () => {
    expect(matches(equalsAny(['yes please']), 'Yes   please')).toBe(true);
  });

  it('takes * as a wildcard at either end', () => {
    expect(matches(equalsAny(['*yes*']), 'Hi, yes please.')).toBe(true);
    expect(matches(equalsAny(['*yes*']), 'yes')).toBe(true);
    expect(matches(equalsAny(['yes*']), 'Yes please')).toBe(true);
    expect(matches(equalsAny(['yes*']), 'oh yes')).toBe(false);
    expect(matches(equalsAny(['*yes']), 'oh yes')).toBe(true);
    expect(matches(equalsAny(['*yes']), 'yes oh')).toBe(false);
  });

  it('takes * as a wildcard in the middle, in order', () => {
    expect(matches(equalsAny(['red*blue']), 'red and blue')).toBe(true);
    expect(matches(equalsAny(['red*blue']), 'redblue')).toBe(true);
    expect(matches(equalsAny(['red*blue']), 'blue and red')).toBe(false);
    expect(matches(equalsAny(['*a*b*c*']), 'xaxbxcx')).toBe(true);
    expect(matches(equalsAny(['*a*b*c*']), 'xcxbxax')).toBe(false);
    expect(matches(equalsAny(['ab*ba']), 'aba')).toBe(false);
  });

  it('matches anything with a lone *', () => {
    expect(matches(equalsAny(['*']), '')).toBe(true);
    expect(matches(equalsAny(['*']), 'whatever')).toBe(true);
  });

  it('treats regex characters literally', () => {
    expect(matches(equalsAny(['$5.00?']), '$5.00?')).toBe(true);
    expect(matches(equalsAny(['$5.00?']), '$5x00')).toBe(false);
    expect(matches(equalsAny(['a.c']), 'abc')).toBe(false);
    expect(matches(equalsAny(['(yes)|no']), 'no')).toBe(false);
    expect(matches(equalsAny(['*[1]*']), 'option [1] please')).toBe(true);
  });

  it('never matches with no values', () => {
    expect(matches(equalsAny([]), 'yes')).toBe(false);
  });

  it('never matches a blank value, not even an empty reply (a picture without text)', () => {
    expect(matches(equalsAny(['', '  ']), '')).toBe(false);
    expect(matches(equalsAny(['', '  ']), ' ')).toBe(false);
    expect(matches(equalsAny(['', 'yes']), 'yes')).toBe(true);
  });

  it('normalises the text the same way as patterns', () => {
    expect(normaliseForMatch('  A  b ')).toBe('a b');
    expect(wildcardMatches(' A* ', 'abc')).toBe(true);
  });
});

describe('equals any of, read as a person reads a reply', () => {
  it.each([
    ['no', 'No!'],
    ['nope', 'nope.'],
    ['yes', '"Yes"'],
    ['yes', '“Yes”'],
    ['yes', 'yes 👍'],
    ['yes', '  YES!!  '],
    ['yes', '*yes*'],
    ['yes', '¡¿Yes?!'],
    ['yes', '👍🏽 yes 👨‍👩‍👧'],
    ['yes', 'ＹＥＳ'],
    ["don't", 'Don’t!'],
    ['yes please', '“Yes   please…”'],
    ['1', '1️⃣'],
    ['7', '$7'],
    ['7', '7.'],
  ])('takes %p for the reply %p', (word, reply) => {
    expect(matches(equalsAny([word]), reply)).toBe(true);
  });

  it('reads the words a marketer typed the same way', () => {
    expect(matches(equalsAny(['No!']), 'no')).toBe(true);
    expect(matches(equalsAny(['“Yes”']), 'YES')).toBe(true);
    expect(matches(equalsAny(['"yes"']), '‘yes’')).toBe(true);
  });

  it('keeps what is inside the words: other words, inner punctuation', () => {
    expect(matches(equalsAny(['no']), 'no, thanks')).toBe(false);
    expect(matches(equalsAny(['no']), 'no way!')).toBe(false);
    expect(matches(equalsAny(['yes']), 'y.e.s')).toBe(false);
    expect(matches(equalsAny(['yes']), 'yes-ish')).toBe(false);
  });

  it('keeps a number’s sign and percent: "-7" is not 7, "50%" is not 50', () => {
    expect(matches(equalsAny(['7']), '-7')).toBe(false);
    expect(matches(equalsAny(['7']), '.7')).toBe(false);
    expect(matches(equalsAny(['50']), '50%')).toBe(false);
    expect(matches(equalsAny(['-7']), '-7!')).toBe(true);
  });

  it('reads a reply of only an emoji or punctuation as itself', () => {
    expect(matches(equalsAny(['👍']), ' 👍 ')).toBe(true);
    expect(matches(equalsAny(['👍']), 'yes 👍')).toBe(false);
    expect(matches(equalsAny(['yes']), '👍')).toBe(false);
    expect(matches(equalsAny(['?']), '?')).toBe(true);
    expect(matches(equalsAny(['', ' ']), '!!!')).toBe(false);
  });

  it('keeps the meaning of wildcards, also next to punctuation and emoji', () => {
    expect(matches(equalsAny(['*yes*']), '“Oh, YES please!” 🎉')).toBe(true);
    expect(matches(equalsAny(['yes*']), 'oh yes!')).toBe(false);
    expect(matches(equalsAny(['*?']), 'Can I bring a friend?')).toBe(true);
    expect(matches(equalsAny(['*?']), 'I will bring a friend')).toBe(false);
    expect(matches(equalsAny(['*👍*']), 'ok 👍')).toBe(true);
    expect(matches(equalsAny(['*']), '!!!')).toBe(true);
  });

  it('never turns a pattern into a catch-all by reading its punctuation away', () => {
    expect(matches(equalsAny(['"*"']), 'anything')).toBe(false);
    expect(matches(equalsAny(['"*"']), '"anything"')).toBe(true);
    expect(matches(equalsAny(['*!']), 'wow')).toBe(false);
  });

  it('reads numbers as before: a decorated word is no number', () => {
    expect(matches(compareTo('gt', 5), '7!')).toBe(false);
    expect(matches(compareTo('gt', 5), '7.')).toBe(true);
  });
});

describe('compare', () => {
  it.each([
    ['lt', '4', true],
    ['lt', '5', false],
    ['lte', '5', true],
    ['lte', '5.01', false],
    ['gt', '6', true],
    ['gt', '5', false],
    ['gte', '5', true],
    ['gte', '4.99', false],
  ] as const)('%s 5 with reply %s gives %p', (op, reply, expected) => {
    expect(matches(compareTo(op, 5), reply)).toBe(expected);
  });

  it('reads replies leniently', () => {
    expect(matches(compareTo('gt', 1000), '$1,200')).toBe(true);
    expect(matches(compareTo('lt', 0), ' -2 ')).toBe(true);
  });

  it('never matches a reply that is not a number', () => {
    expect(matches(compareTo('lt', 5), 'seven')).toBe(false);
    expect(matches(compareTo('gt', 5), 'seven')).toBe(false);
    expect(matches(compareTo('gte', 0), '')).toBe(false);
  });

  it('compares with a contact field', () => {
    const moreThanBudget = compareTo('gt', { field: '_Budget' });
    expect(matches(moreThanBudget, '600', { _Budget: 500 })).toBe(true);
    expect(matches(moreThanBudget, '600', { _Budget: '$1,000' })).toBe(false);
    expect(matches(moreThanBudget, '1001', { _Budget: '$1,000' })).toBe(true);
  });

  it('never matches when the field is missing, empty or not a number', () => {
    const moreThanBudget = compareTo('gt', { field: '_Budget' });
    expect(matches(moreThanBudget, '600', {})).toBe(false);
    expect(matches(moreThanBudget, '600', { _Budget: null })).toBe(false);
    expect(matches(moreThanBudget, '600', { _Budget: '' })).toBe(false);
    expect(matches(moreThanBudget, '600', { _Budget: 'lots' })).toBe(false);
    expect(matches(compareTo('lt', { field: '_Budget' }), '-1', { _Budget: 'lots' })).toBe(false);
  });
});

describe('between', () => {
  const teen = between(['gte', 13], ['lte', 19]);

  it('needs both inequalities', () => {
    expect(matches(teen, '13')).toBe(true);
    expect(matches(teen, '19')).toBe(true);
    expect(matches(teen, '12')).toBe(false);
    expect(matches(teen, '20')).toBe(false);
    expect(matches(teen, 'teen')).toBe(false);
  });

  it('takes bounds from fields', () => {
    const inRange = between(['gt', { field: '_Min' }], ['lt', 100]);
    expect(matches(inRange, '50', { _Min: '10' })).toBe(true);
    expect(matches(inRange, '5', { _Min: '10' })).toBe(false);
    expect(matches(inRange, '50', {})).toBe(false);
  });

  const ineq = (op: Inequality['op'], value: number): Inequality => ({
    op,
    value: { source: 'static', value },
  });

  it.each([
    [ineq('gt', 10), ineq('lt', 5), true],
    [ineq('gt', 5), ineq('lt', 5), true],
    [ineq('gte', 5), ineq('lt', 5), true],
    [ineq('gt', 5), ineq('lte', 5), true],
    [ineq('gte', 5), ineq('lte', 5), false],
    [ineq('gt', 1), ineq('lt', 5), false],
    [ineq('gt', 1), ineq('gt', 5), false],
    [ineq('lt', 5), ineq('gt', 10), true],
  ])('%#: knows when a between can never hold', (first, second, never) => {
    expect(betweenNeverMatches(first, second)).toBe(never);
  });

  it('cannot know with a field bound', () => {
    expect(
      betweenNeverMatches({ op: 'gt', value: { source: 'field', field: '_A' } }, ineq('lt', -1e9)),
    ).toBe(false);
  });
});

describe('deciding', () => {
  it('takes the first matching condition, top to bottom', () => {
    const next = decideBy([
      equalsAny(['*yes*'], { id: 'first' }),
      equalsAny(['yes'], { id: 'second' }),
    ]);
    expect(decide(next, 'yes', {})).toMatchObject({
      kind: 'matched',
      index: 0,
      condition: { id: 'first' },
    });
  });

  it('falls back when nothing matches or there are no conditions', () => {
    expect(decide(decideBy([equalsAny(['no'])]), 'yes', {})).toEqual({ kind: 'fallback' });
    expect(decide(decideBy([]), 'yes', {})).toEqual({ kind: 'fallback' });
  });
});
