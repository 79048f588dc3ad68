import type { ToolDefinition } from '@sms-seq/engine';
import { aPhone, aTool } from '../runtime/builders';
import {
  type ConsoleBrowser,
  eventually,
  type RuntimeHarness,
  startRuntime,
  whenIdle,
} from '../runtime/runtime-harness';

interface Funnel {
  versionId: string | null;
  started: number;
  finished: number;
  steps: {
    stepId: string;
    received: number;
    replied: number;
    droppedOff: number;
    removed: boolean;
    branches: { conditionId: string; label: string; count: number }[];
  }[];
  routes: {
    fromStepId: string | null;
    toStepId: string | null;
    route: string;
    conditionId: string | null;
    count: number;
  }[];
}

/**
 * The numbers on the flow, from real texts over two versions: how many conversations reached each
 * step, replied, dropped off there, and took each way on; for all versions or one, in a date range.
 */
describe('analytics: the ways on, across versions and dates', () => {
  let h: RuntimeHarness;
  let browser: ConsoleBrowser;
  let toolId: string;
  let v1: string;
  let v2: string;
  /** Between the two versions' conversations. */
  let mid: Date;
  const phones = {
    blue: aPhone(),
    loop: aPhone(),
    stop: aPhone(),
    pink: aPhone(),
    later: aPhone(),
  };

  // v1: blue goes to the closing message, red finishes, anything else asks again.
  // v2: red is gone; anything else goes to the closing message, which says something new.
  const colour = (v: 1 | 2): ToolDefinition =>
    aTool({
      name: 'Routes',
      keyword: 'ROUTES',
      collectEmailFirst: false,
      steps: [
        {
          id: 'colour',
          name: 'Colour',
          message: 'Blue or red? Text STOP to stop.',
          next: {
            kind: 'decide',
            conditions: [
              { id: 'blue', kind: 'equals_any', values: ['blue'], tagId: null, nextStepId: 'bye' },
              ...(v === 1
                ? [
                    {
                      id: 'red',
                      kind: 'equals_any' as const,
                      values: ['red'],
                      tagId: null,
                      nextStepId: null,
                    },
                  ]
                : []),
            ],
            fallbackTagId: null,
            fallbackStepId: v === 1 ? 'colour' : 'bye',
          },
        },
        { id: 'bye', name: 'Bye', message: `Thanks! (v${v})`, next: { kind: 'finish' } },
      ],
    });

  const say = async (phone: string, body: string, texts: number) => {
    await h.text(phone, body);
    await eventually(() => h.textsTo(phone).length >= texts, `text ${texts} to ${phone}`);
  };
  const ends = async (phone: string, status: string) =>
    eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === status,
      `${phone} to be ${status}`,
    );
  const publish = async (definition: ToolDefinition) => {
    const { draftRevision } = (await browser.get(`/api/tools/${toolId}`).expect(200)).body;
    await browser
      .put(`/api/tools/${toolId}`)
      .send({ draft: definition, draftRevision })
      .expect(200);
    return (await browser.post(`/api/tools/${toolId}/publish`).expect(201)).body.id as string;
  };
  const funnel = async (query: Record<string, string> = {}): Promise<Funnel> =>
    (await browser.get(`/api/tools/${toolId}/analytics`).query(query).expect(200)).body;
  const stepOf = (f: Funnel, stepId: string) => f.steps.find((s) => s.stepId === stepId);
  const branchCounts = (f: Funnel, stepId: string) =>
    Object.fromEntries(stepOf(f, stepId)?.branches.map((b) => [b.conditionId, b.count]) ?? []);

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    browser = await h.signedIn(accountId);
    toolId = (await browser.post('/api/tools').send({ name: 'Routes' }).expect(201)).body.id;

    v1 = await publish(colour(1));
    await say(phones.blue, 'routes', 1);
    await say(phones.blue, 'blue', 2);
    await say(phones.loop, 'routes', 1);
    await say(phones.loop, 'maybe', 2);
    await h.text(phones.loop, 'red');
    await say(phones.stop, 'routes', 1);
    await h.text(phones.stop, 'STOP');
    await ends(phones.blue, 'finished');
    await ends(phones.loop, 'finished');
    await ends(phones.stop, 'opted_out');
    await whenIdle(h);

    mid = new Date();
    v2 = await publish(colour(2));
    await say(phones.pink, 'routes', 1);
    await say(phones.pink, 'pink', 2);
    await say(phones.later, 'routes', 1);
    await say(phones.later, 'blue', 2);
    await ends(phones.pink, 'finished');
    await ends(phones.later, 'finished');
    await whenIdle(h);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  });

  it('counts all versions by default: each step reached, replied and dropped off, steps matched by id', async () => {
    const all = await funnel();
    expect(all).toMatchObject({ versionId: null, started: 5, finished: 4 });
    expect(stepOf(all, 'colour')).toMatchObject({
      received: 5,
      // The STOP is an opt-out, not an answer: that conversation dropped off at Colour.
      replied: 4,
      droppedOff: 1,
      removed: false,
    });
    // Bye is a closing message: reached and finished as it was sent, nobody dropped off there.
    expect(stepOf(all, 'bye')).toMatchObject({ received: 3, droppedOff: 0 });
    // Laid out as v2 has it; v1's red condition was taken once and is listed as removed.
    expect(stepOf(all, 'colour')?.branches).toEqual([
      { conditionId: 'blue', label: 'reply is "blue"', count: 2 },
      { conditionId: 'fallback', label: 'Nothing matched', count: 2 },
      { conditionId: 'red', label: 'reply is "red" (removed)', count: 1 },
    ]);
  });

  it('counts each way from step to step, the loop back to the same step and the closing message', async () => {
    expect((await funnel()).routes).toEqual([
      { fromStepId: null, toStepId: 'colour', route: 'start', conditionId: null, count: 5 },
      { fromStepId: 'bye', toStepId: null, route: 'sent', conditionId: null, count: 3 },
      { fromStepId: 'colour', toStepId: 'bye', route: 'condition', conditionId: 'blue', count: 2 },
      { fromStepId: 'colour', toStepId: null, route: 'condition', conditionId: 'red', count: 1 },
      { fromStepId: 'colour', toStepId: 'bye', route: 'fallback', conditionId: null, count: 1 },
      { fromStepId: 'colour', toStepId: 'colour', route: 'fallback', conditionId: null, count: 1 },
    ]);
  });

  it('counts one version when asked, laid out as that version has it', async () => {
    const first = await funnel({ versionId: v1 });
    expect(first).toMatchObject({ versionId: v1, started: 3, finished: 2 });
    expect(branchCounts(first, 'colour')).toEqual({ blue: 1, red: 1, fallback: 1 });
    const second = await funnel({ versionId: v2 });
    expect(second).toMatchObject({ versionId: v2, started: 2, finished: 2 });
    expect(branchCounts(second, 'colour')).toEqual({ blue: 1, fallback: 1 });
    expect(second.routes).toContainEqual({
      fromStepId: 'colour',
      toStepId: 'bye',
      route: 'fallback',
      conditionId: null,
      count: 1,
    });
  });

  it('counts the conversations started in the date range: from at or after, to before', async () => {
    expect(await funnel({ from: mid.toISOString() })).toMatchObject({ started: 2, finished: 2 });
    expect(await funnel({ to: mid.toISOString() })).toMatchObject({ started: 3, finished: 2 });
    expect(stepOf(await funnel({ to: mid.toISOString() }), 'colour')?.droppedOff).toBe(1);
    expect(await funnel({ from: mid.toISOString(), versionId: v1 })).toMatchObject({
      started: 0,
      routes: [],
    });
    // The bounds, to the millisecond, at the last conversation's start.
    const { items } = (
      await browser.get('/api/conversations').query({ phone: phones.later }).expect(200)
    ).body;
    const at: string = items[0].startedAt;
    expect((await funnel({ from: at })).started).toBe(1);
    expect((await funnel({ from: mid.toISOString(), to: at })).started).toBe(1);
    // A whole day (dates without a time) counts today's conversations.
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await funnel({ from: today, to: tomorrow })).started).toBe(5);
    expect(await funnel({ from: tomorrow })).toMatchObject({
      started: 0,
      routes: [],
      steps: [
        expect.objectContaining({ stepId: 'colour', received: 0, branches: expect.any(Array) }),
        expect.objectContaining({ stepId: 'bye', received: 0 }),
      ],
    });
  });

  it('refuses a date range it cannot count, saying why', async () => {
    const refused = async (query: Record<string, string>, status = 400) =>
      (await browser.get(`/api/tools/${toolId}/analytics`).query(query).expect(status)).body.error;
    expect(await refused({ from: 'yesterday-ish' })).toMatchObject({
      code: 'invalid_input',
      message: 'The start of the date range is not a date. Pick a date such as 2026-01-31.',
    });
    expect((await refused({ to: 'soon' })).message).toBe(
      'The end of the date range is not a date. Pick a date such as 2026-01-31.',
    );
    expect((await refused({ from: '2026-02-01', to: '2026-01-01' })).message).toBe(
      'The start of the date range must be before its end. Pick an earlier start.',
    );
    expect((await refused({ from: '2026-01-01', to: '2026-01-01' })).message).toMatch(/before/);
    expect((await refused({ from: '1900-01-01' })).message).toBe('Pick a date from 1970 to 9999.');
    expect((await refused({ versionId: 'latest' })).details[0].path).toEqual(['versionId']);
    // A version of another tool is not one of this tool's.
    const other = (await browser.post('/api/tools').send({ name: 'Other' }).expect(201)).body.id;
    await browser.get(`/api/tools/${other}/analytics`).query({ versionId: v1 }).expect(404);
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());
});
