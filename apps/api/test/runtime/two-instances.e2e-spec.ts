import request from 'supertest';
import { aKeapContact, aPhone, replyMatching, tagId, tagsOf } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

/** Two API processes (HTTP and worker each) on one database and one Redis: a burst, no doubles. */
describe('runtime: two API instances process one burst', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };
  let second: { app: import('@nestjs/common').INestApplication };

  beforeAll(async () => {
    h = await startRuntime();
    second = await h.anotherInstance();
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Burst',
      keyword: null,
      startMode: 'http_only',
      steps: [
        {
          id: 'q1',
          name: 'Q1',
          message: 'Question one?',
          next: replyMatching(['*'], { tagId: tagId(h.sandbox, 'Interested'), nextStepId: 'q2' }),
        },
        { id: 'q2', name: 'Q2', message: 'Question two?', next: { kind: 'finish' } },
      ],
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('campaign starts sent to both (each twice, as a retrying Keap might) and replies delivered twice: each text once, each tag once', async () => {
    const people = Array.from({ length: 12 }, () => {
      const phone = aPhone();
      return { phone, contactId: aKeapContact(h.sandbox, { firstName: 'Bo', phone }) };
    });
    const servers = [h.t.app.getHttpServer(), second.app.getHttpServer()];
    await Promise.all(
      people.flatMap((p) =>
        servers.map((server) =>
          request(server)
            .post(`/hooks/tools/${tool.toolId}/${tool.secret}`)
            .send({ contactId: p.contactId })
            .expect(202),
        ),
      ),
    );
    await eventually(
      () => people.every((p) => h.textsTo(p.phone).length >= 1),
      'every first question',
      20_000,
    );
    await Promise.all(people.map((p) => h.text(p.phone, 'sure', { deliverTwice: true })));
    await eventually(
      () => people.every((p) => h.textsTo(p.phone).length >= 2),
      'every second question',
      20_000,
    );
    await whenIdle(h);
    for (const p of people) {
      expect(h.textsTo(p.phone)).toEqual(['Question one?', 'Question two?']);
      expect(tagsOf(h.sandbox, p.contactId)).toEqual(['Interested']);
      expect(await h.conversationsOf(p.phone)).toHaveLength(1);
    }
    // Every send done once, whichever process ran it (jobs are shared through Redis).
    const [{ n }] = await h.ds.query(
      `SELECT count(*)::int AS n FROM outbox WHERE kind = 'send_message' AND done_at IS NOT NULL`,
    );
    expect(n).toBe(24);
  });
});
