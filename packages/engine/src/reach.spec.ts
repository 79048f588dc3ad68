import { decideReach } from './reach';
import type { Condition } from './tool.schema';
import { between, compareTo, decideBy, equalsAny } from './testing/builders';

const reachOf = (conditions: Condition[]) => decideReach(decideBy(conditions));

describe('which branches of a decision replies can take', () => {
  it('tells every contact can take a plain word, a wildcard, a number range and the fallback', () => {
    expect(
      reachOf([equalsAny(['yes']), equalsAny(['*blue*']), between(['gte', 1], ['lte', 5])]),
    ).toEqual({
      conditions: [{ reach: 'always' }, { reach: 'always' }, { reach: 'always' }],
      fallback: 'always',
    });
  });

  it('tells why a condition can never be taken', () => {
    expect(
      reachOf([
        equalsAny([]),
        equalsAny(['stop', 'INFO']),
        between(['gt', 10], ['lt', 5]),
        equalsAny(['*']),
        compareTo('gt', 3),
      ]),
    ).toEqual({
      conditions: [
        { reach: 'never', reason: 'no_words' },
        { reach: 'never', reason: 'reserved_words' },
        { reach: 'never', reason: 'no_number' },
        { reach: 'always' },
        { reach: 'never', reason: 'shadowed', catchAll: 3 },
      ],
      fallback: 'never',
    });
  });

  it('finds a shadow cast by conditions without a catch-all', () => {
    expect(
      reachOf([
        compareTo('gt', 0),
        equalsAny(['5', '$7']),
        equalsAny(['yes*']),
        equalsAny(['yes please']),
      ]).conditions,
    ).toEqual([
      { reach: 'always' },
      { reach: 'never', reason: 'shadowed' },
      { reach: 'always' },
      { reach: 'never', reason: 'shadowed' },
    ]);
  });

  it('says it depends on the contact when a contact field is involved', () => {
    expect(
      reachOf([
        compareTo('lt', { field: '_Max' }),
        equalsAny(['3']),
        equalsAny(['three']),
        between(['gte', { field: '_Max' }], ['lte', { field: '_Max' }]),
        between(['gt', { field: '_Max' }], ['lt', { field: '_Max' }]),
      ]).conditions,
    ).toEqual([
      { reach: 'some_contacts' },
      { reach: 'some_contacts' },
      { reach: 'always' },
      { reach: 'some_contacts' },
      { reach: 'never', reason: 'no_number' },
    ]);
  });

  it('finds a number that a word above does not take, written another way', () => {
    expect(
      reachOf([equalsAny(['7', '7.0']), between(['gte', 7], ['lte', 7])]).conditions[1],
    ).toEqual({ reach: 'always' });
    expect(reachOf([compareTo('gt', 1e300)]).conditions[0]).toEqual({ reach: 'always' });
    expect(reachOf([compareTo('lt', -1e-12)]).conditions[0]).toEqual({ reach: 'always' });
  });

  it('reads words as the machine does: decorated words above take plain ones, and the other way', () => {
    expect(
      reachOf([equalsAny(['yes']), equalsAny(['“Yes”', 'yes!', 'YES 👍']), equalsAny(['*?'])])
        .conditions,
    ).toEqual([{ reach: 'always' }, { reach: 'never', reason: 'shadowed' }, { reach: 'always' }]);
    expect(reachOf([equalsAny(['No!']), equalsAny(['no'])]).conditions[1]).toEqual({
      reach: 'never',
      reason: 'shadowed',
    });
    // "-7" is not "7": the sign is part of the number.
    expect(reachOf([equalsAny(['7']), equalsAny(['-7'])]).conditions[1]).toEqual({
      reach: 'always',
    });
  });

  it('out of budget, counts a reply as taken by the conditions above: stricter, never laxer', () => {
    const next = decideBy([
      equalsAny(['*a*']),
      equalsAny(['b']),
      compareTo('gt', 1),
      compareTo('lt', 0),
    ]);
    expect(decideReach(next).conditions.map((c) => c.reach)).toEqual([
      'always',
      'always',
      'always',
      'always',
    ]);
    expect(decideReach(next, { left: 0 }).conditions.map((c) => c.reach)).toEqual([
      'always',
      'never',
      'never',
      'never',
    ]);
  });
});
