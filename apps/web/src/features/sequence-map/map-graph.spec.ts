import type { Problem } from '@sms-seq/engine';
import { aTool, between, compareTo, decideBy, equalsAny, finish } from '@sms-seq/engine/testing';
import {
  buildMap,
  conditionLabel,
  LABEL_MAX_WIDTH,
  labelSize,
  pathThrough,
  type MapEdge,
} from './map-graph';
import { openingViewport, READABLE_ZOOM } from './map-view';

const problem = (path: (string | number)[], severity: Problem['severity']): Problem => ({
  path,
  severity,
  code: 'empty_message',
  message: `${severity} at ${path.join('.')}`,
});

const edgesOf = (map: ReturnType<typeof buildMap>) =>
  map.edges.map((edge) => `${edge.source} -> ${edge.target} [${edge.data?.label ?? ''}]`);

/**
 * Issue 16's hard case: 20 steps, each with 5 conditions and a "no match": two branches into the
 * same next step, one to the step after, one looping to itself, one back two steps.
 */
function twentyStepsFiveConditionsEach() {
  let tool = aTool().with({ keyword: 'QUOTE' });
  for (let index = 0; index < 20; index += 1) {
    const id = (offset: number) => (index + offset < 20 ? `s${index + offset}` : undefined);
    tool = tool.withStep(`s${index}`, {
      name: `Ask ${index + 1}`,
      next: decideBy(
        [
          compareTo('lt', 300, { goTo: id(1) }),
          between(['gte', 300], ['lte', 600], { goTo: id(1) }),
          compareTo('gt', 600, { goTo: id(2) }),
          equalsAny(['again', 'repeat'], { goTo: `s${index}` }),
          equalsAny(['back'], { goTo: `s${Math.max(index - 2, 0)}` }),
        ],
        { stepId: id(1) ?? null },
      ),
    });
  }
  return tool.build();
}

type Box = { x: number; y: number; width: number; height: number };
const intersects = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const labelBoxOf = (edge: MapEdge): Box => {
  if (!edge.data?.labelBox) throw new Error(`edge ${edge.id} has no label box`);
  return edge.data.labelBox;
};

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
    expect(map.edges.filter((edge) => edge.data?.tone === 'branch')).toHaveLength(3);
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

describe('the map keeps every label readable', () => {
  const map = buildMap(twentyStepsFiveConditionsEach(), []);
  const labelled = map.edges.filter((edge) => edge.data?.label);

  it('gives every edge but the start its own label box, parallel branches included', () => {
    expect(map.edges).toHaveLength(1 + 20 * 6);
    expect(labelled).toHaveLength(20 * 6);
    for (const edge of labelled) expect(labelBoxOf(edge).width).toBeGreaterThan(0);
    // Three ways from the first step into the second: three boxes in three places.
    const intoSecond = labelled.filter(
      (edge) => edge.source === 'step-0' && edge.target === 'step-1',
    );
    expect(intoSecond.map((edge) => edge.id)).toEqual(['s0:c0', 's0:c1', 's0:fallback']);
    expect(new Set(intoSecond.map((edge) => JSON.stringify(labelBoxOf(edge)))).size).toBe(3);
  });

  it('lets no two label boxes, and no label and step, overlap', () => {
    const boxes = labelled.map(labelBoxOf);
    const overlaps: string[] = [];
    boxes.forEach((box, index) =>
      boxes.slice(index + 1).forEach((other, offset) => {
        if (intersects(box, other))
          overlaps.push(`${labelled[index]?.id} / ${labelled[index + 1 + offset]?.id}`);
      }),
    );
    for (const node of map.nodes) {
      const nodeBox = { ...node.position, width: node.width ?? 0, height: node.height ?? 0 };
      boxes.forEach((box, index) => {
        if (intersects(box, nodeBox)) overlaps.push(`${labelled[index]?.id} / ${node.id}`);
      });
    }
    expect(overlaps).toEqual([]);
  });

  it('draws a loop beside its step and marks branches back up the map', () => {
    const loop = map.edges.find((edge) => edge.id === 's5:c3');
    expect(loop).toMatchObject({ source: 'step-5', target: 'step-5' });
    expect(loop?.data?.direction).toBe('loop');
    expect(loop?.className).toContain('map-edge--loop');
    // The loop goes out of the step's right side and its label sits beyond it.
    const step = map.nodes.find((node) => node.id === 'step-5');
    const right = (step?.position.x ?? 0) + (step?.width ?? 0);
    expect(Math.max(...(loop?.data?.points ?? []).map((point) => point.x))).toBeGreaterThan(right);
    expect(labelBoxOf(loop as MapEdge).x).toBeGreaterThanOrEqual(right);

    const back = map.edges.find((edge) => edge.id === 's7:c4');
    expect(back).toMatchObject({ source: 'step-7', target: 'step-5' });
    expect(back?.data?.direction).toBe('back');
    expect(back?.className).toContain('map-edge--back');
    expect(map.edges.find((edge) => edge.id === 's7:c0')?.data?.direction).toBe('forward');
  });

  it('routes every edge from its source to its target', () => {
    for (const edge of map.edges) {
      const points = edge.data?.points ?? [];
      expect(points.length).toBeGreaterThanOrEqual(2);
      const path = pathThrough(points);
      expect(path.startsWith(`M ${Math.round(points[0]!.x * 10) / 10} `)).toBe(true);
    }
  });

  it('opens a 20-step map at a readable zoom from the start, a small one whole', () => {
    const screen = { width: 640, height: 700 };
    const start = map.nodes[0]!;
    const big = openingViewport(map.size, screen, { x: start.position.x, width: start.width! });
    expect(big.zoom).toBe(READABLE_ZOOM);
    expect(big.y).toBeGreaterThan(0);
    // The start's middle is the screen's middle.
    expect(big.x + (start.position.x + start.width! / 2) * big.zoom).toBeCloseTo(screen.width / 2);

    const small = buildMap(aTool().withStep('a').build(), []);
    const whole = openingViewport(small.size, screen, null);
    expect(whole.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(whole.x).toBeGreaterThan(0);
    expect(whole.x * 2 + small.size.width * whole.zoom).toBeCloseTo(screen.width);
  });
});

describe('edge ids and numbers on the map', () => {
  const tool = aTool()
    .withStep('ask', {
      next: decideBy([equalsAny(['yes'], { goTo: 'bye' }), equalsAny(['no'])], { stepId: 'bye' }),
    })
    .withStep('bye', { next: finish() })
    .build();

  it('keys each edge by its step id and its way out', () => {
    expect(buildMap(tool, []).edges.map((edge) => edge.id)).toEqual([
      'start',
      'ask:c0',
      'ask:c1',
      'ask:fallback',
      'bye:next',
    ]);
  });

  it('keys the edges of a step whose id repeats by its place instead', () => {
    const twice = aTool().withStep('same').withStep('same').build();
    expect(buildMap(twice, []).edges.map((edge) => edge.id)).toEqual([
      'start',
      'same:next',
      'step-1:next',
    ]);
  });

  it('shows the numbers given for steps and edges, zero where none came', () => {
    const map = buildMap(tool, [], undefined, {
      nodes: { ask: { reached: 12, replied: 9, droppedOff: 3 } },
      edges: { 'ask:c0': 7 },
    });
    const node = (id: string) => map.nodes.find((item) => item.id === id);
    expect(node('step-0')?.data.stats).toEqual({ reached: 12, replied: 9, droppedOff: 3 });
    expect(node('step-1')?.data.stats).toEqual({ reached: 0, replied: 0, droppedOff: 0 });
    expect(node('start')?.data.stats).toBeNull();
    const counts = Object.fromEntries(map.edges.map((edge) => [edge.id, edge.data?.count]));
    expect(counts).toEqual({
      start: null,
      'ask:c0': 7,
      'ask:c1': 0,
      'ask:fallback': 0,
      'bye:next': 0,
    });
    // Room for the numbers: taller steps and labels than without.
    const plain = buildMap(tool, []);
    expect(node('step-0')?.height).toBeGreaterThan(plain.nodes[1]?.height ?? 0);
    expect(map.edges[1]?.data?.labelBox?.height).toBeGreaterThan(
      plain.edges[1]?.data?.labelBox?.height ?? 0,
    );
  });

  it('lists each step’s ways out, for the handles that set where they go', () => {
    const map = buildMap(tool, []);
    expect(map.nodes[1]?.data.routes).toEqual([
      { key: 'c0', label: 'reply is "yes"' },
      { key: 'c1', label: 'reply is "no"' },
      { key: 'fallback', label: 'no match' },
    ]);
  });
});

describe('a label box', () => {
  it('fits a short label on one line, and wraps a long one into two at most', () => {
    expect(labelSize('reply')).toMatchObject({ lines: 1 });
    expect(labelSize('reply').width).toBeLessThan(LABEL_MAX_WIDTH);
    const long = labelSize('reply is "blue", "navy", "teal" or 4 more · goal booked a call');
    expect(long.lines).toBe(2);
    expect(long.width).toBeLessThanOrEqual(LABEL_MAX_WIDTH);
    expect(long.height).toBeGreaterThan(labelSize('reply').height);
  });
});
