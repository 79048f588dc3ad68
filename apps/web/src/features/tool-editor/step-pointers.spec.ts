import {
  aTool,
  compareTo,
  decideBy,
  equalsAny,
  finish,
  nextMessage,
} from '@sms-seq/engine/testing';
import { describePointer, ownRoute, pointersTo, routedNext, withoutStep } from './step-pointers';

/**
 * #1 Ask colour: "yes" → Thanks, "no" → Ask size, no match → Ask size
 * #2 Ask size: more than 10 → Ask size (itself), no match → Thanks
 * #3 Thanks (finish)
 */
const tool = () =>
  aTool()
    .withStep('colour', {
      name: 'Ask colour',
      next: decideBy(
        [equalsAny(['yes'], { goTo: 'thanks' }), equalsAny(['no'], { goTo: 'size' })],
        { stepId: 'size' },
      ),
    })
    .withStep('size', {
      name: 'Ask size',
      next: decideBy([compareTo('gt', 10, { goTo: 'size' })], { stepId: 'thanks' }),
    })
    .withStep('thanks', { name: 'Thanks', next: finish() })
    .build();

describe('who points at a step', () => {
  it('names each condition and "no match" that sends the step, not its own loop', () => {
    const steps = tool().steps;
    const pointers = pointersTo(steps, 1);
    expect(pointers.map((pointer) => describePointer(steps, pointer))).toEqual([
      '#1 Ask colour → condition 2 (reply is "no")',
      '#1 Ask colour → no match',
    ]);
  });

  it('names the step above that goes on to "the next message"', () => {
    const steps = aTool()
      .withStep('first', { name: 'First', next: nextMessage() })
      .withStep('second', { name: 'Second', next: finish() })
      .build().steps;
    expect(pointersTo(steps, 1).map((pointer) => describePointer(steps, pointer))).toEqual([
      '#1 First → the next message',
    ]);
    expect(pointersTo(steps, 0)).toEqual([]);
  });

  it('finds nobody for a step nothing sends', () => {
    expect(pointersTo(tool().steps, 0)).toEqual([]);
  });
});

describe('deleting a step', () => {
  it('repoints every route into it to the step chosen', () => {
    const steps = withoutStep(tool().steps, 1, 'thanks');
    expect(steps.map((step) => step.id)).toEqual(['colour', 'thanks']);
    const next = steps[0]?.next;
    expect(next?.kind === 'decide' && next.conditions.map((c) => c.nextStepId)).toEqual([
      'thanks',
      'thanks',
    ]);
    expect(next?.kind === 'decide' && next.fallbackStepId).toBe('thanks');
  });

  it('makes the routes into it finish when no step is chosen, leaving the others alone', () => {
    const steps = withoutStep(tool().steps, 2, null);
    const colour = steps[0]?.next;
    const size = steps[1]?.next;
    expect(colour?.kind === 'decide' && colour.conditions.map((c) => c.nextStepId)).toEqual([
      null,
      'size',
    ]);
    expect(colour?.kind === 'decide' && colour.fallbackStepId).toBe('size');
    expect(size?.kind === 'decide' && size.fallbackStepId).toBe(null);
    expect(size?.kind === 'decide' && size.conditions[0]?.nextStepId).toBe('size');
  });
});

describe('pointing a route at a step', () => {
  it('sets a condition’s step, or "no match" for the step’s own route', () => {
    const steps = tool().steps;
    const byCondition = routedNext(steps, 0, 0, 'size');
    expect(byCondition?.kind === 'decide' && byCondition.conditions[0]?.nextStepId).toBe('size');
    expect(byCondition?.kind === 'decide' && byCondition.conditions[1]?.nextStepId).toBe('size');
    const byOwn = routedNext(steps, 1, null, 'colour');
    expect(byOwn?.kind === 'decide' && byOwn.fallbackStepId).toBe('colour');
    expect(routedNext(steps, 0, 5, 'size')).toBeNull();
  });

  it('makes a step that does not decide go to the step below, finish, or any step', () => {
    const steps = aTool()
      .withStep('first', { next: finish() })
      .withStep('second', { next: nextMessage() })
      .build().steps;
    expect(routedNext(steps, 0, null, 'second')).toEqual({ kind: 'next' });
    expect(routedNext(steps, 1, null, null)).toEqual({ kind: 'finish' });
    expect(routedNext(steps, 1, null, 'first')).toEqual({
      kind: 'decide',
      conditions: [],
      fallbackTagId: null,
      fallbackStepId: 'first',
    });
    // A step without conditions has no condition route to point.
    expect(routedNext(steps, 0, 0, 'second')).toBeNull();
  });

  it('reads where a step’s own route goes', () => {
    const steps = tool().steps;
    expect(ownRoute(steps, 1)).toBe('thanks');
    expect(ownRoute(steps, 2)).toBeNull();
    const plain = aTool()
      .withStep('first', { next: nextMessage() })
      .withStep('last', { next: nextMessage() })
      .build().steps;
    expect(ownRoute(plain, 0)).toBe('last');
    expect(ownRoute(plain, 1)).toBeNull();
  });
});
