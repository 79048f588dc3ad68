import { aTool, decideBy, equalsAny, finish } from '@sms-seq/engine/testing';
import type { Analytics, RouteCount } from '../../api/api.types';
import { buildMap } from '../sequence-map/map-graph';
import { mapStatsOf } from './map-stats';

const route = (
  fromStepId: string | null,
  r: RouteCount['route'],
  toStepId: string | null,
  count: number,
  conditionId: string | null = null,
): RouteCount => ({ fromStepId, toStepId, route: r, conditionId, count });

const step = (stepId: string, received: number, replied: number, droppedOff: number) => ({
  stepId,
  name: stepId,
  received,
  replied,
  droppedOff,
  branches: [],
  optedOut: 0,
  expired: 0,
  removed: false,
});

const analytics = (steps: Analytics['steps'], routes: RouteCount[]): Analytics => ({
  versionId: null,
  published: true,
  from: null,
  to: null,
  steps,
  routes,
  started: 0,
  finished: 0,
});

// Ask: yes → Thanks, no → the finish, anything else → Ask again; then Thanks (a closing message)
// and Later (asked after Thanks only in a draft: nobody went there yet).
const tool = aTool()
  .withStep('ask', {
    name: 'Ask',
    next: decideBy(
      [equalsAny(['yes'], { id: 'yes', goTo: 'thanks' }), equalsAny(['no'], { id: 'no' })],
      { stepId: 'ask' },
    ),
  })
  .withStep('thanks', { name: 'Thanks', next: finish() })
  .withStep('later', { name: 'Later' })
  .build();

describe('the numbers on the map', () => {
  it('puts each step’s reached, replied and dropped off on its node, zero where nothing counted', () => {
    const stats = mapStatsOf(tool, analytics([step('ask', 5, 4, 1), step('gone', 9, 9, 9)], []));
    expect(stats.nodes).toEqual({
      ask: { reached: 5, replied: 4, droppedOff: 1 },
      thanks: { reached: 0, replied: 0, droppedOff: 0 },
      later: { reached: 0, replied: 0, droppedOff: 0 },
    });
  });

  it('counts each edge by the way the conversations went: condition, loop, finish and next', () => {
    const stats = mapStatsOf(
      tool,
      analytics(
        [],
        [
          route(null, 'start', 'ask', 5),
          route('ask', 'condition', 'thanks', 2, 'yes'),
          route('ask', 'condition', null, 1, 'no'),
          route('ask', 'fallback', 'ask', 3),
          route('thanks', 'sent', null, 2),
          route('later', 'next', null, 1),
        ],
      ),
    );
    expect(stats.edges).toEqual({
      'ask:c0': 2,
      'ask:c1': 1,
      'ask:fallback': 3,
      'thanks:next': 2,
      'later:next': 1,
    });
  });

  it('keys every edge as the map draws it', () => {
    const stats = mapStatsOf(tool, analytics([], []));
    const drawn = buildMap(tool, [])
      .edges.map((edge) => edge.id)
      .filter((id) => id !== 'start');
    expect(Object.keys(stats.edges).sort()).toEqual(drawn.sort());
  });

  it('does not count on an edge what went another way in an older version', () => {
    const stats = mapStatsOf(
      tool,
      analytics(
        [],
        [
          // "yes" once went to Later; "no" to a step since removed (recorded as the finish).
          route('ask', 'condition', 'later', 4, 'yes'),
          route('ask', 'condition', null, 1, 'no'),
          // A condition the draft no longer has.
          route('ask', 'condition', 'thanks', 7, 'maybe'),
          route('ask', 'fallback', 'thanks', 2),
        ],
      ),
    );
    expect(stats.edges).toMatchObject({ 'ask:c0': 0, 'ask:c1': 1, 'ask:fallback': 0 });
  });
});
