import { aDayQuestionWithReminder, OFFICE_HOURS } from './builders';
import { eventually, openWindowAt, startRuntime, type RuntimeHarness } from './runtime-harness';

/** One "minute" of the tool's options lasts 50 ms here (CONVERSATION_MINUTE_MS): 40 minutes is 2 s. */
const MINUTE_MS = 50;
const EXPIRY_MS = 40 * MINUTE_MS;

/**
 * A text held by quiet hours goes out hours after it was asked for. The conversation's expiry
 * ("24 hours without activity") counts from when its question actually went out, so the contact
 * has the whole time to answer; a reminder held past the expiry is not sent to a conversation
 * that expired meanwhile.
 */
describe('runtime: expiry of a conversation whose text was held', () => {
  let h: RuntimeHarness;
  let questions: { toolId: string; secret: string };
  let reminded: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime({
      CONVERSATION_MINUTE_MS: String(MINUTE_MS),
      CONVERSATION_SWEEP_INTERVAL_MS: '50',
    });
    const { accountId } = await h.connectedAccount();
    questions = await h.publishedTool(accountId, {
      name: 'Office hours, expiring',
      keyword: null,
      startMode: 'http_only',
      steps: [
        { id: 'name', name: 'Name', message: 'What is your name?' },
        { id: 'day', name: 'Day', message: 'Which day suits you?' },
      ],
      options: { sendWindow: OFFICE_HOURS, expiryMinutes: 40 },
    });
    reminded = await h.publishedTool(
      accountId,
      aDayQuestionWithReminder('Office hours, reminded', {
        expiryMinutes: 40,
        reminderMinutesBeforeExpiry: 20,
      }),
    );
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await h?.close();
  });

  const start = (tool: { toolId: string; secret: string }) => h.startContact(tool, 'Kim');
  const sentAt = (phone: string, n: number) =>
    h.sandbox.twilio.messages.filter((m) => m.to === phone)[n]!.dateCreated.getTime();
  const conversationOf = async (phone: string) =>
    (
      await h.ds.query(
        `SELECT status, current_step_id, expires_at FROM conversations WHERE phone = $1`,
        [phone],
      )
    )[0] as { status: string; current_step_id: string; expires_at: Date | null };
  /** The conversation once its expiry counts from `out` (its question's send): the full time after it. */
  const expiringFrom = async (phone: string, out: number) => {
    const open = await eventually(async () => {
      const c = await conversationOf(phone);
      return c.expires_at && c.expires_at.getTime() >= out ? c : undefined;
    }, 'the expiry to count from the send');
    expect(open.expires_at!.getTime()).toBeGreaterThanOrEqual(out + EXPIRY_MS - 100);
    return open;
  };

  it('a question held longer than the expiry: the conversation waits for it, and expires only the full time after it went out', async () => {
    // The window opens in 3 s, longer than the 2 s expiry.
    const opensAt = Date.now() + 3_000;
    openWindowAt(h, opensAt);
    const phone = await start(questions);
    await eventually(() => h.textsTo(phone).length === 1, 'the question once the window opens');
    const out = sentAt(phone, 0);
    expect(out).toBeGreaterThanOrEqual(opensAt - 50);
    // Not expired while it waited: its expiry counts from the send.
    expect((await expiringFrom(phone, out)).status).toBe('awaiting_reply');

    // Most of the expiry later the contact answers, and the conversation goes on.
    await new Promise((resolve) => setTimeout(resolve, out + EXPIRY_MS * 0.6 - Date.now()));
    await h.text(phone, 'Kim');
    await eventually(() => h.textsTo(phone).length === 2, 'the second question');
    expect(h.textsTo(phone)).toEqual(['What is your name?', 'Which day suits you?']);
    expect((await conversationOf(phone)).current_step_id).toBe('day');
  });

  it('a question asked by a reply and held: the expiry counts from when it went out', async () => {
    openWindowAt(h, Date.now() - 3_600_000); // inside the window
    const phone = await start(questions);
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    // Evening falls: the window opens again in 3 s; the answer's question waits for it.
    const opensAt = Date.now() + 3_000;
    openWindowAt(h, opensAt);
    await h.text(phone, 'Kim');
    await eventually(() => h.textsTo(phone).length === 2, 'the second question');
    const out = sentAt(phone, 1);
    expect(out).toBeGreaterThanOrEqual(opensAt - 50);
    expect(await expiringFrom(phone, out)).toMatchObject({
      status: 'awaiting_reply',
      current_step_id: 'day',
    });
    // And it does expire then (nothing else keeps it open).
    await eventually(
      async () => (await conversationOf(phone)).status === 'expired',
      'the expiry',
      5_000,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(out + EXPIRY_MS - 100);
  });

  it('a reminder held past the expiry: the conversation expires on time and the reminder is not sent', async () => {
    openWindowAt(h, Date.now() - 3_600_000); // inside the window
    const phone = await start(reminded);
    await eventually(() => h.textsTo(phone).length === 1, 'the question');
    const asked = sentAt(phone, 0);
    // Evening falls before the reminder (1 s in); the window opens again after the expiry (2 s).
    const opensAt = asked + EXPIRY_MS + 1_500;
    openWindowAt(h, opensAt);
    const reminder = await eventually(
      async () =>
        (
          await h.ds.query(
            `SELECT status FROM messages WHERE phone = $1 AND direction = 'out' AND purpose = 'reminder'`,
            [phone],
          )
        )[0],
      'the reminder to be due and held',
    );
    expect(reminder.status).toBe('queued');
    await eventually(
      async () => (await conversationOf(phone)).status === 'expired',
      'the expiry',
      5_000,
    );
    expect(Date.now()).toBeLessThan(opensAt);

    await eventually(
      async () =>
        (
          await h.ds.query(
            `SELECT status, error_code FROM messages WHERE phone = $1 AND purpose = 'reminder'`,
            [phone],
          )
        )[0]?.status === 'suppressed',
      'the held reminder to be dropped when the window opens',
      5_000,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(opensAt - 50);
    const [dropped] = await h.ds.query(
      `SELECT error_code FROM messages WHERE phone = $1 AND purpose = 'reminder'`,
      [phone],
    );
    expect(dropped.error_code).toBe('conversation_expired');
    expect(h.textsTo(phone)).toEqual(['Which day suits you?']);
  });
});
