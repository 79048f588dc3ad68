import request from 'supertest';
import { SessionStore } from '../../src/session/session.store';
import { aConnectedAccount, aPhone, aPublishedTool, aTool } from '../runtime/builders';
import {
  eventually,
  type RuntimeHarness,
  startRuntime,
  whenIdle,
} from '../runtime/runtime-harness';

/**
 * Analytics and the conversation history, proven against what really happened: contacts text the
 * keyword to the sandbox number, reply down different branches, one texts STOP and one goes
 * silent until the conversation expires (tool minutes last 200 ms here).
 */
describe('analytics and conversation history from real runtime traffic', () => {
  let h: RuntimeHarness;
  let accountId: string;
  let toolId: string;
  let otherToolId: string;
  let browser: ReturnType<typeof request.agent>;
  const phones = {
    twoSteps: aPhone(),
    no: aPhone(),
    maybe: aPhone(),
    stop: aPhone(),
    silent: aPhone(),
    other: aPhone(),
  };
  let testStart: Date;

  const colour = {
    id: 'colour',
    name: 'Colour',
    message: 'Do you like blue?',
    next: {
      kind: 'decide' as const,
      conditions: [
        {
          id: 'yes',
          kind: 'equals_any' as const,
          values: ['*yes*'],
          tagId: null,
          nextStepId: 'size',
        },
        { id: 'no', kind: 'equals_any' as const, values: ['no'], tagId: null, nextStepId: null },
      ],
      fallbackTagId: null,
      fallbackStepId: null,
    },
  };
  const size = {
    id: 'size',
    name: 'Size',
    message: 'Big or small?',
    // Saves its reply, so it waits for it (a closing message would end as it is sent).
    saveTo: '_FavoriteColor',
    next: { kind: 'finish' as const },
  };

  /** The phone texts and we wait for the app's `n`-th text to it. */
  const say = async (phone: string, body: string, expectTexts: number) => {
    await h.text(phone, body);
    await eventually(
      () => h.textsTo(phone).length >= expectTexts,
      `text ${expectTexts} to ${phone}`,
    );
  };
  const statusOf = async (phone: string) => (await h.conversationsOf(phone))[0]?.status;

  beforeAll(async () => {
    h = await startRuntime({ CONVERSATION_MINUTE_MS: '200' });
    ({ accountId } = await aConnectedAccount(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
    }));
    // 30 tool minutes = 6 s of silence before a conversation expires.
    ({ toolId } = await aPublishedTool(
      h.ds,
      accountId,
      aTool({
        name: 'Funnel',
        keyword: 'FUNNEL',
        collectEmailFirst: false,
        steps: [colour, size],
        options: { expiryMinutes: 30 } as never,
      }),
    ));
    ({ toolId: otherToolId } = await aPublishedTool(
      h.ds,
      accountId,
      aTool({
        name: 'Other',
        keyword: 'OTHER',
        collectEmailFirst: false,
        steps: [{ ...size, id: 'only' }],
      }),
    ));
    const { id } = await h.t.app.get(SessionStore).create(accountId);
    browser = request.agent(h.t.app.getHttpServer()).set('Cookie', `sms_session=${id}`);
    testStart = new Date(Date.now() - 1000);

    for (const phone of [phones.twoSteps, phones.no, phones.maybe, phones.stop, phones.silent])
      await say(phone, 'funnel', 1);
    await say(phones.other, 'other', 1);
    await say(phones.twoSteps, 'Oh yes!', 2);
    await say(phones.twoSteps, 'big', 2);
    await h.text(phones.no, 'No');
    await h.text(phones.maybe, 'maybe');
    await h.text(phones.stop, 'STOP');
    await say(phones.silent, 'yes', 2);
    await h.text(phones.other, 'small');
    for (const phone of [phones.twoSteps, phones.no, phones.maybe, phones.other]) {
      await eventually(async () => (await statusOf(phone)) === 'finished', `${phone} to finish`);
    }
    await eventually(
      async () => (await statusOf(phones.stop)) === 'opted_out',
      'the STOP to opt out',
    );
    await eventually(
      async () => (await statusOf(phones.silent)) === 'expired',
      'the silent conversation to expire',
      30_000,
    );
    await whenIdle(h);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  });

  it('counts, per step, who received it, replied, took each branch, opted out and expired', async () => {
    const res = await browser.get(`/api/tools/${toolId}/analytics`).expect(200);
    expect(res.body).toMatchObject({ started: 5, finished: 3 });
    expect(res.body.steps).toEqual([
      {
        stepId: 'colour',
        name: 'Colour',
        received: 5,
        replied: 4,
        branches: [
          { conditionId: 'yes', label: 'reply is "*yes*"', count: 2 },
          { conditionId: 'no', label: 'reply is "no"', count: 1 },
          { conditionId: 'fallback', label: 'Nothing matched', count: 1 },
        ],
        optedOut: 1,
        expired: 0,
        droppedOff: 1,
        removed: false,
      },
      {
        stepId: 'size',
        name: 'Size',
        received: 2,
        replied: 1,
        branches: [],
        optedOut: 0,
        expired: 1,
        droppedOff: 1,
        removed: false,
      },
    ]);
    // Another tool's traffic is not counted here.
    const other = await browser.get(`/api/tools/${otherToolId}/analytics`).expect(200);
    expect(other.body).toMatchObject({
      started: 1,
      finished: 1,
      steps: [expect.objectContaining({ stepId: 'only', received: 1, replied: 1 })],
    });
  });

  it('lists the conversations with filters by tool, status, phone and date', async () => {
    const list = async (query: Record<string, string>) =>
      (await browser.get('/api/conversations').query(query).expect(200)).body.items as {
        phone: string;
        status: string;
        toolName: string;
      }[];
    const byTool = await list({ toolId });
    expect(byTool.map((c) => c.phone).sort()).toEqual(
      [phones.twoSteps, phones.no, phones.maybe, phones.stop, phones.silent].sort(),
    );
    expect(new Set(byTool.map((c) => c.toolName))).toEqual(new Set(['Funnel']));
    expect((await list({ status: 'expired' })).map((c) => c.phone)).toEqual([phones.silent]);
    expect((await list({ status: 'opted_out' })).map((c) => c.phone)).toEqual([phones.stop]);
    expect((await list({ toolId, status: 'finished' })).map((c) => c.phone).sort()).toEqual(
      [phones.twoSteps, phones.no, phones.maybe].sort(),
    );
    // Phone in any common form: the digits are matched.
    const national = `(${phones.no.slice(2, 5)}) ${phones.no.slice(5, 8)}-${phones.no.slice(8)}`;
    expect((await list({ phone: national })).map((c) => c.phone)).toEqual([phones.no]);
    expect(await list({ from: testStart.toISOString() })).toHaveLength(6);
    expect(await list({ to: testStart.toISOString() })).toEqual([]);
    expect(await list({ from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    // Newest first, and pages follow the cursor without repeats.
    const page1 = await browser.get('/api/conversations').query({ limit: '4' }).expect(200);
    const page2 = await browser
      .get('/api/conversations')
      .query({ limit: '4', cursor: page1.body.nextCursor })
      .expect(200);
    expect(page2.body.nextCursor).toBeNull();
    const all = [...page1.body.items, ...page2.body.items].map((c: { phone: string }) => c.phone);
    expect(all).toEqual([
      phones.other,
      phones.silent,
      phones.stop,
      phones.maybe,
      phones.no,
      phones.twoSteps,
    ]);
  });

  it('shows one transcript in order, with its events and the Keap contact linked', async () => {
    const [item] = (
      await browser.get('/api/conversations').query({ phone: phones.twoSteps }).expect(200)
    ).body.items;
    const res = await browser.get(`/api/conversations/${item.id}`).expect(200);
    const { conversation, messages, events, contactUrl } = res.body;
    expect(conversation).toMatchObject({
      toolId,
      phone: phones.twoSteps,
      status: 'finished',
      trigger: 'keyword',
    });
    // Texts the app sent carry their step; the runtime does not tag inbound texts with one (yet).
    expect(
      messages.map((m: { direction: string; body: string; stepId: string | null }) => [
        m.direction,
        m.body,
        m.stepId,
      ]),
    ).toEqual([
      ['in', 'funnel', null],
      ['out', 'Do you like blue?', 'colour'],
      ['in', 'Oh yes!', null],
      ['out', 'Big or small?', 'size'],
      ['in', 'big', null],
    ]);
    const times = messages.map((m: { createdAt: string }) => Date.parse(m.createdAt));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    const types = events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['matched', 'conversation_ended']));
    expect(events.find((e: { type: string }) => e.type === 'matched').detail).toMatchObject({
      stepId: 'colour',
      conditionId: 'yes',
      nextStepId: 'size',
    });
    expect(types.indexOf('matched')).toBeLessThan(types.indexOf('conversation_ended'));
    expect(conversation.contactId).toEqual(expect.any(Number));
    expect(contactUrl).toMatch(
      new RegExp(`^https://sb101-[0-9a-f]+\\.infusionsoft\\.com/.*ID=${conversation.contactId}$`),
    );

    const stopped = (
      await browser.get('/api/conversations').query({ phone: phones.stop }).expect(200)
    ).body.items[0];
    const stopDetail = await browser.get(`/api/conversations/${stopped.id}`).expect(200);
    expect(stopDetail.body.messages.map((m: { body: string }) => m.body)).toEqual([
      'funnel',
      'Do you like blue?',
      'STOP',
    ]);
    expect(stopDetail.body.conversation).toMatchObject({
      status: 'opted_out',
      currentStepId: 'colour',
      endedAt: expect.any(String),
    });
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());
});
