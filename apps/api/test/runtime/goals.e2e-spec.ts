import type { AchievedGoal } from '@sms-seq/sandbox';
import { aKeapContact, aPhone, notesOf, tagId, tagsOf } from './builders';
import { OutboxPublisher } from '../../src/outbox/outbox.publisher';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

/**
 * A reply that saves a field and achieves a Keap API goal: the goal reaches Keap after the save
 * (a campaign started by the goal reads the field), through outages, and only once.
 */
describe('runtime: a reply achieves a Keap API goal', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };
  /** The contact's favourite colour in Keap at the moment each goal arrived. */
  const colourWhenAchieved: (string | number | null)[] = [];

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Goals',
      options: {
        createNote: true,
        optOutGoal: { integration: 'smsSequences', callName: 'stopped' },
      },
      keyword: null,
      startMode: 'http_only',
      steps: [
        {
          id: 'ask',
          name: 'Ask',
          message: 'Favourite colour?',
          saveTo: '_FavoriteColor',
          next: {
            kind: 'decide',
            conditions: [
              {
                id: 'any',
                kind: 'equals_any',
                values: ['*'],
                tagId: tagId(h.sandbox, 'Interested'),
                goal: { integration: 'smsSequences', callName: 'answered' },
                nextStepId: null,
              },
            ],
          },
        },
      ],
    });
    const keap = h.sandbox.keap;
    const achieve = keap.achieveGoal.bind(keap);
    keap.achieveGoal = (tenant, body) => {
      const contactId = String((body as { contact_id?: unknown }).contact_id);
      const contact = keap.describeContacts(tenant).find((c) => c.id === contactId);
      const custom = (contact?.custom_fields ?? {}) as Record<string, string | number | null>;
      colourWhenAchieved.push(custom.FavoriteColor ?? null);
      return achieve(tenant, body);
    };
  });

  afterAll(async () => {
    await h?.close();
  });

  const goalsOf = (contactId: number): AchievedGoal[] =>
    h.sandbox.keap.goalsOf(h.sandbox.keap.tenant('sb101'), String(contactId));

  async function answer(reply: string, meanwhile?: (phone: string) => Promise<void>) {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Gail', phone });
    await h.startByHttpPost(tool, contactId);
    await eventually(() => h.textsTo(phone).length === 1, 'the question');
    await h.text(phone, reply);
    await meanwhile?.(phone);
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'finished',
      'the conversation to finish',
    );
    await whenIdle(h, 30_000);
    return contactId;
  }

  it('saves the reply before the goal, even while Keap refuses the save for a while', async () => {
    colourWhenAchieved.length = 0;
    // The save's first attempts fail: its retries outlast the goal's first run, which must wait.
    h.sandbox.keap.failNextCalls(4, 503, { operations: ['updateContact'] });
    const contactId = await answer('teal');
    expect(goalsOf(contactId)).toEqual([
      expect.objectContaining({ integration: 'smsSequences', call_name: 'answered' }),
    ]);
    expect(colourWhenAchieved).toEqual(['teal']);
    expect(tagsOf(h.sandbox, contactId)).toEqual(['Interested']);
    expect(notesOf(h.sandbox, contactId)[0]?.text).toContain(
      'Asked Keap to achieve the API goal smsSequences.answered because the reply matched a condition.',
    );
  });

  it('retries the goal through a Keap outage and achieves it once', async () => {
    h.sandbox.keap.failNextCalls(5, 503, { operations: ['achieveGoal'] });
    // While Keap fails, the goal's work is queued twice more (as a hand-over and the relay could).
    const contactId = await answer('red', async (phone) => {
      const [row] = await eventually(async () => {
        const rows = (await h.ds.query(
          `SELECT o.id FROM outbox o JOIN conversations c ON c.id = o.conversation_id
            WHERE c.phone = $1 AND o.kind = 'achieve_goal'`,
          [phone],
        )) as { id: string }[];
        return rows.length > 0 ? rows : null;
      }, 'the goal queued');
      const queue = h.t.app.get(OutboxPublisher).queue('achieve_goal');
      for (const copy of ['a', 'b'])
        await queue.add({ outboxId: row!.id }, { jobId: `${row!.id}:${copy}`, attempts: 20 });
    });
    expect(goalsOf(contactId)).toHaveLength(1);
    const [events] = (await h.ds.query(
      `SELECT count(*)::int AS n FROM conversation_events e JOIN conversations c ON c.id = e.conversation_id
        WHERE c.contact_id = $1 AND e.type = 'goal_achieved'`,
      [contactId],
    )) as { n: number }[];
    expect(events?.n).toBe(1);
  });

  it('achieves the opt-out goal when the contact texts STOP', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Stan', phone });
    await h.startByHttpPost(tool, contactId);
    await eventually(() => h.textsTo(phone).length === 1, 'the question');
    await h.text(phone, 'STOP');
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'opted_out',
      'the opt-out',
    );
    await whenIdle(h, 30_000);
    expect(goalsOf(contactId)).toEqual([
      expect.objectContaining({ integration: 'smsSequences', call_name: 'stopped' }),
    ]);
  });
});
