import { aKeapContact, aPhone, keapContactsWithPhone, tagId, tagsOf } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

/**
 * A keyword start looks the contact up in Keap before the first question. A contact who texts
 * STOP while that look-up is still going (here: Keap answering 503 to it for a while) has opted
 * out all the same: the conversation ends, nothing is ever sent, and once the look-up finds (or
 * creates) the contact it gets the opt-out tag, so Keap shows the opt-out too.
 */
describe('runtime: STOP while the contact is being looked up', () => {
  let h: RuntimeHarness;
  let optedOutTag: number;

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    optedOutTag = tagId(h.sandbox, 'SMS: Opted out');
    await h.publishedTool(accountId, {
      name: 'Stoppable',
      keyword: 'BLUE',
      collectEmailFirst: false,
      steps: [{ id: 'q1', name: 'Q1', message: 'Question one? Text STOP to stop.' }],
      options: { optOutTagId: optedOutTag },
    });
  });
  afterEach(() => h.sandbox.keap.failNextCalls(0));
  afterAll(async () => {
    await h?.close();
  });

  async function stopDuringLookup(phone: string): Promise<void> {
    // Keap refuses the look-up for now: the conversation waits for its contact.
    h.sandbox.keap.failNextCalls(1_000, 503, { operations: ['listContacts'] });
    await h.text(phone, 'BLUE');
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'awaiting_contact',
      'the conversation to wait for its contact',
    );
    await h.text(phone, 'STOP');
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'opted_out',
      'the conversation to end as opted out',
    );
    expect(await h.ds.query(`SELECT source FROM opt_outs WHERE phone = $1`, [phone])).toEqual([
      { source: 'STOP' },
    ]);
    // Keap is back: the look-up finishes.
    h.sandbox.keap.failNextCalls(0);
  }

  it('a contact Keap has: the look-up finishing tags them as opted out; nothing is sent', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Sam', phone });
    await stopDuringLookup(phone);
    await eventually(
      () => tagsOf(h.sandbox, contactId).includes('SMS: Opted out'),
      'the opt-out tag',
    );
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual([]);
    const [conversation] = await h.conversationsOf(phone);
    expect(conversation).toMatchObject({ status: 'opted_out', contact_id: contactId });
  });

  it('a phone Keap does not know: the contact the look-up creates is tagged; nothing is sent', async () => {
    const phone = aPhone();
    await stopDuringLookup(phone);
    const created = await eventually(() => {
      const [c] = keapContactsWithPhone(h.sandbox, phone);
      return c && tagsOf(h.sandbox, Number(c.id)).includes('SMS: Opted out') ? c : undefined;
    }, 'the created contact to carry the opt-out tag');
    await whenIdle(h);
    expect(keapContactsWithPhone(h.sandbox, phone)).toHaveLength(1);
    expect(h.textsTo(phone)).toEqual([]);
    expect((await h.conversationsOf(phone))[0]).toMatchObject({
      status: 'opted_out',
      contact_id: Number(created.id),
    });
  });
});
