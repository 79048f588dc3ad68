import { aTool } from '../../test/runtime/builders';
import { branchesOf, funnelOf, NO_COUNTS, routesOf } from './tool-analytics.service';

const num = (value: number) => ({ source: 'static' as const, value });

describe("a tool's funnel", () => {
  it('labels each branch with its condition in words, then the fallback, every one counted', () => {
    const tool = aTool({
      steps: [
        {
          id: 'ask',
          name: 'Ask',
          message: 'Coming?',
          next: {
            kind: 'decide',
            conditions: [
              { id: 'yes', kind: 'equals_any', values: ['yes', 'y*'] },
              { id: 'adult', kind: 'compare', op: 'gte', value: num(18) },
              {
                id: 'rating',
                kind: 'between',
                first: { op: 'gte', value: num(1) },
                second: { op: 'lte', value: num(5) },
              },
              {
                id: 'field',
                kind: 'compare',
                op: 'lt',
                value: { source: 'field', field: 'Phone1' },
              },
              { id: 'empty', kind: 'equals_any', values: [] },
            ],
          },
        },
        { id: 'thanks', name: 'Thanks', message: 'Thanks!' },
      ],
    });
    const [ask, thanks] = funnelOf([tool], {
      ...NO_COUNTS,
      received: new Map([['ask', 4]]),
      replied: new Map([['ask', 3]]),
      branches: new Map([
        [
          'ask',
          new Map([
            ['yes', 2],
            ['fallback', 1],
          ]),
        ],
      ]),
    });
    expect(ask?.branches).toEqual([
      { conditionId: 'yes', label: 'reply is "yes" or "y*"', count: 2 },
      { conditionId: 'adult', label: 'reply is at least 18', count: 0 },
      { conditionId: 'rating', label: 'reply is between 1 and 5', count: 0 },
      { conditionId: 'field', label: "reply is less than the contact's Phone 1", count: 0 },
      { conditionId: 'empty', label: 'reply is (no words yet)', count: 0 },
      { conditionId: 'fallback', label: 'Nothing matched', count: 1 },
    ]);
    expect(ask).toMatchObject({ received: 4, replied: 3 });
    // A step that does not decide has no branches.
    expect(thanks?.branches).toEqual([]);
  });
});

describe('a funnel across versions', () => {
  const ask = (conditionIds: string[]) => ({
    id: 'ask',
    name: 'Ask',
    message: 'Yes?',
    next: {
      kind: 'decide' as const,
      conditions: conditionIds.map((id) => ({ id, kind: 'equals_any' as const, values: [id] })),
    },
  });
  const v1 = aTool({ steps: [ask(['yes', 'no']), { id: 'gone', name: 'Gone', message: 'Bye' }] });
  const v2 = aTool({ steps: [ask(['yes']), { id: 'new', name: 'New', message: 'Hi' }] });

  it('lays the counts over the newest steps, then the counted steps and conditions only older versions had', () => {
    const steps = funnelOf([v2, v1], {
      ...NO_COUNTS,
      received: new Map([
        ['ask', 5],
        ['gone', 2],
      ]),
      droppedOff: new Map([['gone', 1]]),
      branches: new Map([
        [
          'ask',
          new Map([
            ['yes', 3],
            ['no', 2],
          ]),
        ],
      ]),
    });
    expect(steps.map((s) => [s.stepId, s.received, s.droppedOff, s.removed])).toEqual([
      ['ask', 5, 0, false],
      ['new', 0, 0, false],
      ['gone', 2, 1, true],
    ]);
    expect(steps[0]?.branches).toEqual([
      { conditionId: 'yes', label: 'reply is "yes"', count: 3 },
      { conditionId: 'fallback', label: 'Nothing matched', count: 0 },
      { conditionId: 'no', label: 'reply is "no" (removed)', count: 2 },
    ]);
  });

  it('leaves out an older step nobody reached', () => {
    expect(funnelOf([v2, v1], NO_COUNTS).map((s) => s.stepId)).toEqual(['ask', 'new']);
  });
});

describe('the ways from step to step', () => {
  const moves = [
    { kind: 'started', step: 'ask', cond: null, next: null, n: 4 },
    { kind: 'matched', step: 'ask', cond: 'yes', next: 'thanks', n: 2 },
    { kind: 'matched', step: 'ask', cond: 'yes', next: null, n: 1 },
    { kind: 'fallback', step: 'ask', cond: null, next: 'ask', n: 1 },
    { kind: 'moved_on', step: 'thanks', cond: null, next: null, n: 1 },
    { kind: 'started', step: null, cond: null, next: null, n: 9 },
  ];

  it('names each way by its route, with the closing messages that ended as they were sent', () => {
    expect(routesOf(moves, new Map([['bye', 3]]))).toEqual([
      { fromStepId: null, toStepId: 'ask', route: 'start', conditionId: null, count: 4 },
      { fromStepId: 'ask', toStepId: null, route: 'condition', conditionId: 'yes', count: 1 },
      { fromStepId: 'ask', toStepId: 'thanks', route: 'condition', conditionId: 'yes', count: 2 },
      { fromStepId: 'ask', toStepId: 'ask', route: 'fallback', conditionId: null, count: 1 },
      { fromStepId: 'bye', toStepId: null, route: 'sent', conditionId: null, count: 3 },
      { fromStepId: 'thanks', toStepId: null, route: 'next', conditionId: null, count: 1 },
    ]);
  });

  it('sums a branch over where each version pointed it', () => {
    expect(branchesOf(moves).get('ask')).toEqual(
      new Map([
        ['yes', 3],
        ['fallback', 1],
      ]),
    );
  });
});
