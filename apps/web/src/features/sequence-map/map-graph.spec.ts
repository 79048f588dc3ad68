import type { Problem } from '@sms-seq/engine';
import { aTool, between, compareTo, decideBy, equalsAny, finish } from '@sms-seq/engine/testing';
import { buildMap, conditionLabel } from './map-graph';

const problem = (path: (string | number)[], severity: Problem['severity']): Problem => ({
  path,
  severity,
  code: 'empty_message',
  message: `${severity} at ${path.join('.')}`,
});

const edgesOf = (map: ReturnType<typeof buildMap>) =>
  map.edges.map((edge) => `${edge.source} -> ${edge.target} [${String(edge.label)}]`);

describe('the sequence map drawn from a tool', () => {
  it('draws start, every step in order and finish, each step going to the next', () => {
    const map = buildMap(
      aTool()
        .with({ keyword: 'COLOUR' })
        .withStep('ask', { name: 'Ask colour' })
        .withStep('thanks', { name: '', message: '' })
        .build(),
      [],
    );
    expect(map.nodes.map((node) => node.id)).toEqual(['start', 'step-0', 'step-1', 'finish']);
    expect(map.nodes[0]?.data.subtitle).toBe('Text “COLOUR” or HTTP Post');
    expect(map.nodes[1]?.data.title).toBe('#1 Ask colour');
    expect(map.nodes[2]?.data).toMatchObject({
      title: '#2 Untitled step',
      subtitle: '(no message yet)',
      stepIndex: 1,
    });
    expect(edgesOf(map)).toEqual([
      'start -> step-0 []',
      'step-0 -> step-1 [reply]',
      'step-1 -> finish [reply]',
    ]);
  });

  it('says a campaign starts an HTTP-Post-only tool, and a tool without steps goes straight to finish', () => {
    const map = buildMap(aTool().httpOnly().build(), []);
    expect(map.nodes[0]?.data.subtitle).toBe('Campaign HTTP Post');
    expect(edgesOf(map)).toEqual(['start -> finish []']);
  });

  it('draws a branch per condition, labelled with its test, and the fallback as "no match"', () => {
    const map = buildMap(
      aTool()
        .withStep('ask', {
          next: decideBy(
            [
              equalsAny(['*blue*', 'navy'], { goTo: 'blue' }),
              compareTo('gte', 10, { goTo: 'big' }),
              equalsAny([], { goTo: 'nowhere' }),
            ],
            { stepId: null },
          ),
        })
        .withStep('blue', { next: finish() })
        .withStep('big', { next: finish() })
        .build(),
      [],
    );
    expect(edgesOf(map)).toEqual([
      'start -> step-0 []',
      'step-0 -> step-1 [reply is "*blue*" or "navy"]',
      'step-0 -> step-2 [reply is at least 10]',
      // A condition pointing at a step that does not exist ends the conversation, as the engine does.
      'step-0 -> finish [reply is (no words yet)]',
      'step-0 -> finish [no match]',
      // Closing messages: they end as they are sent.
      'step-1 -> finish [when sent]',
      'step-2 -> finish [when sent]',
    ]);
    expect(map.edges.filter((edge) => edge.animated)).toHaveLength(3);
  });

  it('names the Keap API goal a branch achieves on its edge', () => {
    const goal = { integration: 'smsSequences', callName: 'booked' };
    const map = buildMap(
      aTool()
        .withStep('ask', {
          next: decideBy([equalsAny(['yes'], { goal })], { goal: { ...goal, callName: 'unsure' } }),
        })
        .build(),
      [],
    );
    expect(edgesOf(map)).toEqual([
      'start -> step-0 []',
      'step-0 -> finish [reply is "yes" · goal booked]',
      'step-0 -> finish [no match · goal unsure]',
    ]);
  });

  it('marks a closing message, and a finish step that waits for its reply', () => {
    const map = buildMap(
      aTool()
        .withStep('ask', { saveTo: '_Comment', next: finish() })
        .withStep('bye', { next: finish() })
        .withStep('check', { validation: 'number', next: finish() })
        .build(),
      [],
    );
    const finishOf = (index: number) =>
      map.nodes.find((node) => node.id === `step-${index}`)?.data.finish;
    expect(finishOf(0)).toEqual({
      closing: false,
      sentence: 'Waits for the reply, saves it, then ends.',
    });
    expect(finishOf(1)).toEqual({
      closing: true,
      sentence: 'Closing message: the conversation ends as soon as this text is sent.',
    });
    expect(finishOf(2)?.sentence).toBe('Waits for the reply, checks it, then ends.');
    expect(edgesOf(map).slice(1)).toEqual([
      'step-0 -> finish [reply]',
      'step-1 -> finish [when sent]',
      'step-2 -> finish [reply]',
    ]);
  });

  it('marks each step node with the problems of its step only', () => {
    const tool = aTool().withStep('a').withStep('b').withStep('c').build();
    const map = buildMap(tool, [
      problem(['steps', 1, 'message'], 'error'),
      problem(['steps', 1, 'next', 'conditions', 0, 'tagId'], 'warning'),
      problem(['steps', 2], 'warning'),
      problem(['keyword'], 'error'),
    ]);
    const step = (index: number) => map.nodes.find((node) => node.id === `step-${index}`)?.data;
    expect(step(0)).toMatchObject({ errors: [], warnings: [] });
    expect(step(1)).toMatchObject({
      errors: ['error at steps.1.message'],
      warnings: ['warning at steps.1.next.conditions.0.tagId'],
    });
    expect(step(2)).toMatchObject({ errors: [], warnings: ['warning at steps.2'] });
  });

  it('lays the nodes out top to bottom: every step below the one that leads to it', () => {
    const map = buildMap(aTool().withStep('a').withStep('b').build(), []);
    const y = (id: string) => map.nodes.find((node) => node.id === id)?.position.y ?? Number.NaN;
    expect(y('start')).toBeLessThan(y('step-0'));
    expect(y('step-0')).toBeLessThan(y('step-1'));
    expect(y('step-1')).toBeLessThan(y('finish'));
  });

  it('labels conditions the way a marketer reads them, a long word list cut short', () => {
    expect(conditionLabel(equalsAny(['a', 'b', 'c', 'd']))).toBe(
      'reply is "a", "b", "c" or 1 more',
    );
    expect(conditionLabel(compareTo('lt', { field: '_Budget' }))).toBe(
      "reply is less than the contact's _Budget",
    );
    expect(
      conditionLabel(compareTo('lt', { field: '_Budget' }), (key) =>
        key === '_Budget' ? 'Budget' : undefined,
      ),
    ).toBe("reply is less than the contact's Budget");
    expect(conditionLabel(between(['gte', 1], ['lte', 5]))).toBe('reply is between 1 and 5');
  });

  it("names a compared field on its branch by the account's label", () => {
    const map = buildMap(
      aTool()
        .withStep('ask', {
          next: decideBy([compareTo('gte', { field: '_Age' }, { goTo: 'ask' })], { stepId: null }),
        })
        .build(),
      [],
      (key) => (key === '_Age' ? 'Age' : undefined),
    );
    expect(edgesOf(map)).toContain("step-0 -> step-0 [reply is at least the contact's Age]");
  });
});
