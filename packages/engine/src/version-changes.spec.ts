import fc from 'fast-check';
import { canonicalJson, describeChanges, sameDefinition } from './version-changes';
import { toolArbitrary } from './testing/arbitraries';
import { aTool, compareTo, decideBy, equalsAny, finish, nextMessage } from './testing/builders';
import type { Step, ToolDefinition } from './tool.schema';

/** A colour survey: ask colour (blue / red, else size), ask size, thanks. */
const survey = () =>
  aTool()
    .with({ name: 'Survey' })
    .withStep('colour', {
      name: 'Ask colour',
      message: 'Blue or red?',
      next: decideBy(
        [
          equalsAny(['blue'], { id: 'blue', goTo: 'size' }),
          equalsAny(['red'], { id: 'red', goTo: 'thanks' }),
        ],
        { stepId: 'thanks' },
      ),
    })
    .withStep('size', { name: 'Ask size', message: 'Big or small?', next: nextMessage() })
    .withStep('thanks', { name: 'Thanks', message: 'Thanks!', next: finish() })
    .build();

/** `tool` with step `id` changed by `change`. */
function editStep(tool: ToolDefinition, id: string, change: (step: Step) => Step): ToolDefinition {
  return { ...tool, steps: tool.steps.map((s) => (s.id === id ? change(structuredClone(s)) : s)) };
}

function decide(step: Step) {
  if (step.next.kind !== 'decide') throw new Error(`step ${step.id} does not decide`);
  return step.next;
}

describe('what changed between two versions, in words', () => {
  it('says nothing for the same definition, whatever order its keys were stored in', () => {
    const tool = survey();
    const reordered = JSON.parse(canonicalJson(tool)) as ToolDefinition;
    expect(Object.keys(reordered)).not.toEqual(Object.keys(tool));
    expect(sameDefinition(tool, reordered)).toBe(true);
    expect(describeChanges(tool, reordered)).toEqual([]);
  });

  it('names a step’s message change and a condition added, as the issue’s example reads', () => {
    const before = survey();
    const after = editStep(before, 'colour', (step) => {
      step.message = 'Blue, red or green?';
      decide(step).conditions.push(equalsAny(['green'], { id: 'green', goTo: 'thanks' }));
      return step;
    });
    expect(describeChanges(before, after)).toEqual([
      'step Ask colour: message changed; condition 3 added',
    ]);
  });

  it('names steps added and removed by their names', () => {
    const before = survey();
    const after: ToolDefinition = {
      ...before,
      steps: [
        ...before.steps.filter((s) => s.id !== 'thanks'),
        { ...before.steps[2]!, id: 'bye', name: 'Goodbye' },
      ],
    };
    expect(describeChanges(before, after)).toEqual(['step Goodbye added', 'step Thanks removed']);
  });

  it('matches steps by id: a renamed step is the same step, named as it is now', () => {
    const before = survey();
    const after = editStep(before, 'size', (step) => ({ ...step, name: 'Ask the size' }));
    expect(describeChanges(before, after)).toEqual(['step Ask the size: renamed from "Ask size"']);
  });

  it('names an untitled step by its place', () => {
    const before = survey();
    const after = editStep(before, 'size', (step) => ({ ...step, name: '', message: 'Size?' }));
    expect(describeChanges(before, after)).toEqual([
      'step #2 (untitled): name "Ask size" removed; message changed',
    ]);
    expect(describeChanges(after, before)).toEqual([
      'step Ask size: named (was untitled); message changed',
    ]);
  });

  it('says which step moved when the order changes, not every step it passed', () => {
    const before = survey();
    const [colour, size, thanks] = before.steps;
    const after = { ...before, steps: [thanks!, colour!, size!] };
    expect(describeChanges(before, after)).toEqual(['step Thanks: moved to position 1']);
  });

  it('names condition changes by their place: removed, its test, where it goes, its tag and goal', () => {
    const before = survey();
    const after = editStep(before, 'colour', (step) => {
      const next = decide(step);
      next.conditions = [equalsAny(['blue', 'navy'], { id: 'blue', goTo: 'thanks', tagId: 7 })];
      return step;
    });
    expect(describeChanges(before, after)).toEqual([
      'step Ask colour: condition 1 now matches when the reply is "blue" or "navy" (was: when the reply is "blue"), now goes to step Thanks, tag added; condition 2 removed',
    ]);
    const withGoal = editStep(before, 'colour', (step) => {
      decide(step).conditions[1]!.goal = { integration: 'sms', callName: 'red' };
      return step;
    });
    expect(describeChanges(before, withGoal)).toEqual(['step Ask colour: condition 2 goal added']);
  });

  it('says when conditions were reordered (the first that matches wins)', () => {
    const before = survey();
    const after = editStep(before, 'colour', (step) => {
      decide(step).conditions.reverse();
      return step;
    });
    expect(describeChanges(before, after)).toEqual([
      'step Ask colour: conditions reordered (the first that matches wins)',
    ]);
  });

  it('names what happens when nothing matches', () => {
    const before = survey();
    const after = editStep(before, 'colour', (step) => {
      Object.assign(decide(step), { fallbackStepId: null, fallbackTagId: 3 });
      return step;
    });
    expect(describeChanges(before, after)).toEqual([
      'step Ask colour: no match now goes to finish; no-match tag added',
    ]);
  });

  it('names a change of what happens next, and a step pointing at a step added with it', () => {
    const before = survey();
    const after: ToolDefinition = {
      ...editStep(before, 'size', (step) => ({
        ...step,
        next: decideBy([compareTo('gt', 10, { id: 'big', goTo: 'extra' })]),
      })),
    };
    after.steps.push({ ...before.steps[2]!, id: 'extra', name: 'Extra' });
    expect(describeChanges(before, after)).toEqual([
      'step Ask size: what happens next changed: decide by conditions (was: go to the next step)',
      'step Extra added',
    ]);
    const kept = editStep(after, 'size', (step) => {
      decide(step).conditions[0]!.nextStepId = 'thanks';
      return step;
    });
    expect(describeChanges(after, kept)).toEqual([
      'step Ask size: condition 1 now goes to step Thanks',
    ]);
  });

  it('names the reply’s field, check, ask-again message and pictures', () => {
    const before = survey();
    const after = editStep(before, 'size', (step) => ({
      ...step,
      saveTo: '_Size',
      validation: 'number',
      reaskMessage: 'A number, please.',
      mediaUrls: ['https://example.com/sizes.png'],
    }));
    expect(
      describeChanges(before, after, {
        fieldLabel: (k) => (k === '_Size' ? 'T-shirt size' : null),
      }),
    ).toEqual([
      'step Ask size: 1 picture added; now saves the reply to T-shirt size; now accepts only a number (was any reply); ask-again message changed',
    ]);
    const email = editStep(after, 'size', (step) => ({ ...step, saveTo: 'Email', mediaUrls: [] }));
    expect(describeChanges(after, email)).toEqual([
      'step Ask size: 1 picture removed; now saves the reply to Email (was Size)',
    ]);
  });

  it('names the keyword, sender, start and phone field changes', () => {
    const before = survey();
    const after: ToolDefinition = {
      ...before,
      keyword: 'START',
      sender: { kind: 'messaging_service', messagingServiceSid: 'MG123' },
      phoneField: 'Phone2',
      collectEmailFirst: true,
    };
    expect(describeChanges(before, after)).toEqual([
      'keyword changed from "BLUE" to "START"',
      'sender changed from +15005550006 to the messaging service MG123',
      'phone field changed from Phone 1 to Phone 2',
      'now asks for the email address first',
    ]);
    const httpOnly: ToolDefinition = { ...before, startMode: 'http_only', keyword: null };
    expect(describeChanges(before, httpOnly)).toEqual([
      'now starts only from a Keap campaign (HTTP Post), not by keyword',
      'keyword "BLUE" removed',
    ]);
    expect(describeChanges(httpOnly, before)).toEqual([
      'now starts by keyword too, not only from a Keap campaign (HTTP Post)',
      'keyword "BLUE" set',
    ]);
  });

  it('names the tool’s options', () => {
    const before = survey();
    const after: ToolDefinition = {
      ...before,
      name: 'Colour survey',
      options: {
        ...before.options,
        createNote: true,
        optOutTagId: 5,
        expiryMinutes: 120,
        reminderMinutesBeforeExpiry: 30,
        reminderMessage: 'Still there?',
        maxReasks: 1,
        sendWindow: { start: '09:00', end: '17:00', defaultTimeZone: 'America/Chicago' },
      },
    };
    expect(describeChanges(before, after)).toEqual([
      'tool renamed from "Survey" to "Colour survey"',
      'now writes the conversation into a Keap note',
      'opt-out tag added',
      'conversations now expire after 2 hours without a reply (was 1 day)',
      'reminder turned on (30 minutes before expiry)',
      'reminder message changed',
      'a reply that fails its check is now asked again once (was up to 2 times)',
      'quiet hours turned on (texts sent 09:00–17:00)',
    ]);
  });

  it('treats a goal with both names blank as no goal', () => {
    const before = survey();
    const after: ToolDefinition = {
      ...before,
      options: { ...before.options, optOutGoal: { integration: ' ', callName: '' } },
    };
    // A difference no rule names still says something: never "nothing changed" for a change.
    expect(describeChanges(before, after)).toEqual(['other settings changed']);
  });
});

describe('what changed, for any two tools', () => {
  it('is empty exactly when the definitions are the same, and names each step added or removed', () => {
    fc.assert(
      fc.property(toolArbitrary(), toolArbitrary(), (a, b) => {
        expect(describeChanges(a, a)).toEqual([]);
        const lines = describeChanges(a, b);
        expect(lines.length === 0).toBe(sameDefinition(a, b));
        const ids = (t: ToolDefinition) => new Set(t.steps.map((s) => s.id));
        const added = b.steps.filter((s) => !ids(a).has(s.id)).length;
        const removed = a.steps.filter((s) => !ids(b).has(s.id)).length;
        expect(lines.filter((l) => /^step [^:]+ added$/.test(l)).length).toBe(added);
        expect(lines.filter((l) => /^step [^:]+ removed$/.test(l)).length).toBe(removed);
      }),
      { numRuns: 300 },
    );
  });
});
