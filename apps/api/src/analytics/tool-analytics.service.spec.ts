import { aTool } from '../../test/runtime/builders';
import { funnelOf } from './tool-analytics.service';

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
    const [ask, thanks] = funnelOf(
      tool,
      new Map([['ask', 4]]),
      new Map([['ask', 3]]),
      new Map([
        [
          'ask',
          new Map([
            ['yes', 2],
            ['fallback', 1],
          ]),
        ],
      ]),
      new Map(),
    );
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
