import { aKeapContact, aPhone } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

/** One "minute" of the tool's options lasts 50 ms here (CONVERSATION_MINUTE_MS): a 40-minute expiry is 2 s. */
const MINUTE_MS = 50;

describe('runtime: expiry and the reminder', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime({
      CONVERSATION_MINUTE_MS: String(MINUTE_MS),
      CONVERSATION_SWEEP_INTERVAL_MS: '50',
    });
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Expiring',
      keyword: 'RED',
      collectEmailFirst: false,
      steps: [
        { id: 'q1', name: 'Q1', message: 'Question one?' },
        // Saves its reply, so it waits for it (a closing message would end at once).
        {
          id: 'q2',
          name: 'Q2',
          message: 'Question two?',
          saveTo: '_FavoriteColor',
          next: { kind: 'finish' },
        },
      ],
      options: {
        expiryMinutes: 40,
        reminderMinutesBeforeExpiry: 20,
        reminderMessage: 'Still there? Reply to carry on.',
      },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('reminds once before expiry, then expires after the configured time without activity; the number can start again', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Eve', phone });
    await h.startByHttpPost(tool, contactId);
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    const [{ started_at: started }] = await h.ds.query(
      `SELECT started_at FROM conversations WHERE phone = $1`,
      [phone],
    );
    const startedAt = (started as Date).getTime();
    await eventually(() => h.textsTo(phone).length === 2, 'the reminder', 5_000);
    expect(h.textsTo(phone)[1]).toBe('Still there? Reply to carry on.');
    // The reminder falls 20 "minutes" in (1 s), not before; the conversation is still open then.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(20 * MINUTE_MS);
    expect((await h.conversationsOf(phone))[0]?.status).toBe('awaiting_reply');

    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'expired',
      'the expiry',
      5_000,
    );
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(40 * MINUTE_MS);
    const [row] = await h.ds.query(
      `SELECT ended_at, expires_at, next_tick_at FROM conversations WHERE phone = $1`,
      [phone],
    );
    expect(row).toEqual({ ended_at: expect.any(Date), expires_at: null, next_tick_at: null });
    await whenIdle(h);
    expect(h.textsTo(phone)).toHaveLength(2);

    // A reply after the end advances nothing; the keyword starts a new conversation.
    await h.text(phone, 'sorry, I was away');
    await whenIdle(h);
    expect(h.textsTo(phone)).toHaveLength(2);
    await h.text(phone, 'red');
    await eventually(() => h.textsTo(phone).length === 3, 'a new start');
    expect(h.textsTo(phone)[2]).toBe('Question one?');
    expect((await h.conversationsOf(phone)).map((c) => c.status)).toEqual([
      'expired',
      'awaiting_reply',
    ]);
  });

  it('activity pushes expiry back: a reply restarts the clock', async () => {
    const phone = aPhone();
    await h.text(phone, 'RED');
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    await h.text(phone, 'answer one');
    await eventually(() => h.textsTo(phone).length === 2, 'the second question');
    const [row] = await h.ds.query(
      `SELECT last_activity_at, expires_at FROM conversations WHERE phone = $1`,
      [phone],
    );
    expect(row.expires_at.getTime() - row.last_activity_at.getTime()).toBeGreaterThanOrEqual(
      40 * MINUTE_MS - 5,
    );
    expect(row.expires_at.getTime() - row.last_activity_at.getTime()).toBeLessThanOrEqual(
      40 * MINUTE_MS + 5,
    );
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'expired',
      'the expiry',
      5_000,
    );
  });
});
