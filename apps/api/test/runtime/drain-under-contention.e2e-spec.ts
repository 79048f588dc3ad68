import request from 'supertest';
import { aConnectedAccount, aKeapContact, aPhone, aPublishedTool, aTool, tagId } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

const STEPS = 5;

/**
 * The pattern that once stalled the benchmark's drain: many replies for few phones, every one
 * delivered twice, a worker with more concurrent jobs (10 per queue) than database connections
 * (3). Jobs waiting for a busy phone must not sit on the pool's connections: the drain completes.
 */
describe('runtime: the inbound drain under contention for few phones and a small pool', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime({ QUEUE_CONCURRENCY: '10', DATABASE_POOL_SIZE: '3' });
    const { accountId } = await aConnectedAccount(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
    });
    const steps = Array.from({ length: STEPS }, (_, i) => ({
      id: `q${i + 1}`,
      name: `Q${i + 1}`,
      message: `Question ${i + 1}?`,
      next:
        i + 1 < STEPS
          ? {
              kind: 'decide' as const,
              conditions: [
                {
                  id: `any${i}`,
                  kind: 'equals_any' as const,
                  values: ['*'],
                  tagId: tagId(h.sandbox, 'Interested'),
                  nextStepId: `q${i + 2}`,
                },
              ],
            }
          : { kind: 'finish' as const },
    }));
    tool = await aPublishedTool(
      h.ds,
      accountId,
      aTool({ name: 'Contention', keyword: null, startMode: 'http_only', steps }),
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  it('handles every reply of every phone exactly once, in step order', async () => {
    const people = Array.from({ length: 4 }, () => {
      const phone = aPhone();
      return { phone, contactId: aKeapContact(h.sandbox, { firstName: 'Cy', phone }) };
    });
    const server = h.t.app.getHttpServer();
    await Promise.all(
      people.map((p) =>
        request(server)
          .post(`/hooks/tools/${tool.toolId}/${tool.secret}`)
          .send({ contactId: p.contactId })
          .expect(202),
      ),
    );
    await eventually(
      () => people.every((p) => h.textsTo(p.phone).length >= 1),
      'every first question',
      20_000,
    );
    // All replies at once, each delivered twice: the jobs of one phone pile up behind its lock.
    await Promise.all(
      people.flatMap((p) =>
        Array.from({ length: STEPS - 1 }, (_, i) =>
          h.text(p.phone, `answer ${i + 1}`, { deliverTwice: true }),
        ),
      ),
    );
    await whenIdle(h, 60_000);
    for (const p of people) {
      expect(h.textsTo(p.phone)).toEqual(
        Array.from({ length: STEPS }, (_, i) => `Question ${i + 1}?`),
      );
      const conversations = await h.conversationsOf(p.phone);
      expect(conversations).toHaveLength(1);
      // The last question is a closing message: it ends the conversation as it is sent.
      expect(conversations[0]).toMatchObject({
        status: 'finished',
        current_step_id: `q${STEPS}`,
      });
    }
    const [{ n }] = await h.ds.query(
      `SELECT count(*)::int AS n FROM messages WHERE direction = 'in' AND status = 'processed'`,
    );
    expect(n).toBe(people.length * (STEPS - 1));
  });
});
