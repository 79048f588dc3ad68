import request from 'supertest';
import { aKeapContact, aPhone, notesOf, replyMatching, tagId, tagsOf } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

/** Keap throttling, Twilio failures and a Redis outage delay the work; nothing is lost or done twice. */
describe('runtime: outages delay work, never lose or double it', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime(
      { QUEUE_ATTEMPTS: '20', OUTBOX_REPUBLISH_AFTER_MS: '1500' },
      { redisLine: true },
    );
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Sturdy',
      keyword: 'SOLID',
      collectEmailFirst: false,
      steps: [
        {
          id: 'q1',
          name: 'Q1',
          message: 'Question one?',
          saveTo: '_FavoriteColor',
          next: replyMatching(['*'], { tagId: tagId(h.sandbox, 'Interested'), nextStepId: 'q2' }),
        },
        { id: 'q2', name: 'Q2', message: 'Question two?', next: { kind: 'finish' } },
      ],
      options: { createNote: true },
    });
  });

  afterAll(async () => {
    h.sandbox.keap.setQuotas({ appPerSecond: 25, appPerMinute: 1500 });
    await h?.close();
  });

  const start = (contactId: number) =>
    request(h.t.app.getHttpServer())
      .post(`/hooks/tools/${tool.toolId}/${tool.secret}`)
      .send({ contactId })
      .expect(202);

  /** Runs one conversation to the end for each contact; answers them. */
  async function converse(people: { phone: string; contactId: number }[]) {
    await Promise.all(people.map((p) => start(p.contactId)));
    await eventually(
      () => people.every((p) => h.textsTo(p.phone).length >= 1),
      'every first question',
      30_000,
    );
    await Promise.all(people.map((p) => h.text(p.phone, 'green')));
    await eventually(
      () => people.every((p) => h.textsTo(p.phone).length >= 2),
      'every second question',
      30_000,
    );
    await Promise.all(people.map((p) => h.text(p.phone, 'done')));
    await eventually(
      async () => {
        for (const p of people)
          if ((await h.conversationsOf(p.phone))[0]?.status !== 'finished') return false;
        return true;
      },
      'every conversation to finish',
      30_000,
    );
    await whenIdle(h, 30_000);
  }

  function expectEachDoneOnce(people: { phone: string; contactId: number }[]) {
    for (const p of people) {
      expect(h.textsTo(p.phone)).toEqual(['Question one?', 'Question two?']);
      expect(tagsOf(h.sandbox, p.contactId)).toEqual(['Interested']);
      expect(notesOf(h.sandbox, p.contactId)).toHaveLength(1);
      expect(notesOf(h.sandbox, p.contactId)[0]?.text?.split('Contact: green')).toHaveLength(2);
    }
  }

  const people = (n: number) =>
    Array.from({ length: n }, () => {
      const phone = aPhone();
      return { phone, contactId: aKeapContact(h.sandbox, { firstName: 'Kim', phone }) };
    });

  it('a Keap 429 storm (quota of 3 calls a second): every conversation completes, tags and notes once each', async () => {
    const group = people(4);
    h.sandbox.keap.setQuotas({ appPerSecond: 3 });
    const throttledBefore = h.sandbox.keap.callCounts().throttled;
    try {
      await converse(group);
    } finally {
      h.sandbox.keap.setQuotas({ appPerSecond: 25 });
    }
    expect(h.sandbox.keap.callCounts().throttled).toBeGreaterThan(throttledBefore);
    expectEachDoneOnce(group);
  });

  it('Twilio answering 500/503 during a conversation: the texts go out late, once each', async () => {
    const group = people(3);
    h.sandbox.twilio.failNextSends = { remaining: 4, status: 503 };
    await converse(group);
    expect(h.sandbox.twilio.failNextSends.remaining).toBe(0);
    expectEachDoneOnce(group);
  });

  it('Redis down: each webhook is answered without waiting for Redis, and each reply is handled once it is back', async () => {
    const group = people(3);
    await Promise.all(group.map((p) => start(p.contactId)));
    await eventually(
      () => group.every((p) => h.textsTo(p.phone).length === 1),
      'every first question',
    );
    await whenIdle(h);

    h.redis!.cut();
    const answers: { status: number | null | undefined; ms: number }[] = [];
    for (const p of group) {
      const asked = Date.now();
      const reply = await h.text(p.phone, 'green');
      answers.push({ status: reply.deliveries[0]?.responseStatus, ms: Date.now() - asked });
    }
    // Queueing the work once waited up to 2 s for Redis in each webhook; now none waits for it.
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    for (const a of answers) expect(a.ms).toBeLessThan(1_000);
    const [{ n }] = await h.ds.query(
      `SELECT count(*)::int AS n FROM messages WHERE direction = 'in' AND status = 'received'`,
    );
    expect(n).toBe(3);

    await h.redis!.restore();
    await eventually(
      () => group.every((p) => h.textsTo(p.phone).length === 2),
      'the second questions after Redis is back',
      30_000,
    );
    await whenIdle(h, 30_000);
    for (const p of group) expect(h.textsTo(p.phone)).toEqual(['Question one?', 'Question two?']);
  });

  it('Redis down mid-conversation: webhooks are still answered, the outbox re-publishes once Redis is back', async () => {
    const group = people(3);
    await Promise.all(group.map((p) => start(p.contactId)));
    await eventually(
      () => group.every((p) => h.textsTo(p.phone).length === 1),
      'every first question',
    );
    await whenIdle(h);

    h.redis!.cut();
    // Replies and campaign starts arrive while Redis is away: stored, answered, queued later.
    const replies = await Promise.all(group.map((p) => h.text(p.phone, 'green')));
    expect(replies.map((r) => r.deliveries[0]?.responseStatus)).toEqual([200, 200, 200]);
    const late = people(1)[0]!;
    const accepted = await start(late.contactId);
    expect(accepted.status).toBe(202);
    const [{ n }] = await h.ds.query(
      `SELECT count(*)::int AS n FROM messages WHERE direction = 'in' AND status = 'received'`,
    );
    expect(n).toBe(3);
    expect(group.every((p) => h.textsTo(p.phone).length === 1)).toBe(true);

    await h.redis!.restore();
    await eventually(
      () => group.every((p) => h.textsTo(p.phone).length === 2),
      'the second questions after Redis is back',
      30_000,
    );
    await eventually(
      () => h.textsTo(late.phone).length === 1,
      'the campaign start after Redis is back',
      30_000,
    );
    await Promise.all(group.map((p) => h.text(p.phone, 'done')));
    await eventually(
      async () => {
        for (const p of group)
          if ((await h.conversationsOf(p.phone))[0]?.status !== 'finished') return false;
        return true;
      },
      'every conversation to finish',
      30_000,
    );
    await whenIdle(h, 30_000);
    expectEachDoneOnce(group);
    expect(h.textsTo(late.phone)).toEqual(['Question one?']);
  });
});
