import { WallClock } from '../../src/conversations/wall-clock';
import { aDayQuestionWithReminder, aKeapContact, aPhone, OFFICE_HOURS } from './builders';
import { eventually, openWindowAt, startRuntime, type RuntimeHarness } from './runtime-harness';

/** Makes the app's clock read `utcHour:minute:second` (UTC) now, and run on from there. */
function setAppClock(h: RuntimeHarness, utcHour: number, minute: number, second: number): void {
  const target = new Date();
  target.setUTCHours(utcHour, minute, second, 0);
  const offset = target.getTime() - Date.now();
  jest.spyOn(h.t.app.get(WallClock), 'now').mockImplementation(() => Date.now() + offset);
}

/** The phone's outbound texts as stored, oldest first, with when their sends are planned for. */
const storedTexts = (
  h: RuntimeHarness,
  phone: string,
): Promise<{ body: string; status: string; purpose: string; not_before: Date | null }[]> =>
  h.ds.query(
    `SELECT m.body, m.status, m.purpose, o.not_before
       FROM messages m JOIN outbox o ON (o.payload->>'messageId')::uuid = m.id
      WHERE m.phone = $1 AND m.direction = 'out' ORDER BY m.seq`,
    [phone],
  );

/** What the console shows of a conversation (GET /api/conversations/:id), signed in as `accountId`. */
async function transcript(h: RuntimeHarness, accountId: string, conversationId: string) {
  const browser = await h.signedIn(accountId);
  return (await browser.get(`/api/conversations/${conversationId}`).expect(200)).body as {
    conversation: { status: string };
    messages: { direction: string; body: string; status: string; errorCode: string | null }[];
  };
}

/**
 * Quiet hours (the tool's send window, in the contact's time zone): a text due while the window is
 * closed waits, queued, and goes out when it opens. The app's wall clock is set to a chosen hour
 * (a test does not wait for 9 o'clock); the wait itself is real.
 */
describe('runtime: quiet hours', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };
  let twoSteps: { toolId: string; secret: string };
  let accountId: string;
  const setClock = (utcHour: number, minute: number, second: number) =>
    setAppClock(h, utcHour, minute, second);

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
    tool = await h.publishedTool(accountId, {
      name: 'Office hours',
      keyword: null,
      startMode: 'http_only',
      steps: [{ id: 'hello', name: 'Hello', message: 'Good morning! Text STOP to stop.' }],
      options: { sendWindow: OFFICE_HOURS },
    });
    twoSteps = await h.publishedTool(accountId, {
      name: 'Office hours, two questions',
      keyword: null,
      startMode: 'http_only',
      steps: [
        { id: 'name', name: 'Name', message: 'What is your name?' },
        { id: 'thanks', name: 'Thanks', message: 'Thanks! Anything else to tell us?' },
      ],
      options: { sendWindow: OFFICE_HOURS },
    });
  });

  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await h?.close();
  });

  const start = (contactId: number, which = tool) => h.startByHttpPost(which, contactId);
  /** The contact's outbound text as stored, with when its send is planned for. */
  const plannedText = (phone: string) =>
    eventually(async () => {
      const [row] = await h.ds.query(
        `SELECT m.status, o.not_before FROM messages m JOIN outbox o ON (o.payload->>'messageId')::uuid = m.id
          WHERE m.phone = $1 AND m.direction = 'out'`,
        [phone],
      );
      return row?.not_before ? (row as { status: string; not_before: Date }) : undefined;
    }, 'the text to be planned for later');

  it('a text due before the window opens (no time zone known: the window’s own) waits, then goes out when it opens', async () => {
    setClock(8, 59, 57); // three seconds before 09:00 UTC
    const opensAt = Date.now() + 3_000;
    const phone = aPhone();
    await start(aKeapContact(h.sandbox, { firstName: 'Early', phone }));

    const planned = await plannedText(phone);
    expect(planned.status).toBe('queued');
    expect(planned.not_before.getTime()).toBeGreaterThanOrEqual(opensAt - 1_000);
    expect(h.textsTo(phone)).toEqual([]);

    await eventually(() => h.textsTo(phone).length === 1, 'the text once the window opens');
    const sent = h.sandbox.twilio.messages.find((m) => m.to === phone)!;
    expect(sent.dateCreated.getTime()).toBeGreaterThanOrEqual(opensAt - 50);
    expect(h.textsTo(phone)).toEqual(['Good morning! Text STOP to stop.']);
  });

  it('the contact’s own time zone wins: noon in UTC is 7 in the morning in New York, so the text waits two hours', async () => {
    setClock(12, 0, 0); // inside the window in UTC; 07:00 in New York (winter) or 08:00 (summer)
    const phone = aPhone();
    await start(aKeapContact(h.sandbox, { firstName: 'Ny', phone, timeZone: 'America/New_York' }));

    const planned = await plannedText(phone);
    expect(planned.status).toBe('queued');
    const waitMs = planned.not_before.getTime() - Date.now();
    expect(waitMs).toBeGreaterThan(55 * 60_000);
    expect(waitMs).toBeLessThanOrEqual(2 * 3_600_000);
    expect(h.textsTo(phone)).toEqual([]);
  });

  it('inside the window a text goes out at once', async () => {
    setClock(10, 30, 0);
    const phone = aPhone();
    await start(aKeapContact(h.sandbox, { firstName: 'Day', phone }));
    await eventually(() => h.textsTo(phone).length === 1, 'the text');
  });

  it('a text waiting for the window of a conversation then ended by hand is not sent: it shows as suppressed, with why', async () => {
    const opensAt = Date.now() + 4_000;
    openWindowAt(h, opensAt);
    const phone = aPhone();
    await start(aKeapContact(h.sandbox, { firstName: 'Late', phone }));
    await plannedText(phone);
    const [conversation] = await h.conversationsOf(phone);
    const browser = await h.signedIn(accountId);
    await browser.post(`/api/conversations/${conversation!.id}/end`).expect(200);
    expect(Date.now()).toBeLessThan(opensAt); // ended while the text still waited

    const settled = await eventually(async () => {
      const [text] = await storedTexts(h, phone);
      return text && !['queued', 'sending'].includes(text.status) ? text : undefined;
    }, 'the text to be settled once the window opens');
    expect(settled.status).toBe('suppressed');
    expect(Date.now()).toBeGreaterThanOrEqual(opensAt - 50);
    // Nothing of the conversation is left to do (the runtime as a whole holds the New York text).
    await eventually(async () => {
      const [{ n }] = await h.ds.query(
        `SELECT count(*) AS n FROM outbox WHERE conversation_id = $1 AND done_at IS NULL`,
        [conversation!.id],
      );
      return Number(n) === 0;
    }, 'the conversation to have no work left');
    await h.sandbox.twilio.whenIdle();
    expect(h.textsTo(phone)).toEqual([]);
    const shown = await transcript(h, accountId, conversation!.id);
    expect(shown.conversation.status).toBe('ended');
    expect(shown.messages).toEqual([
      expect.objectContaining({
        direction: 'out',
        body: 'Good morning! Text STOP to stop.',
        status: 'suppressed',
        errorCode: 'conversation_ended',
      }),
    ]);
  });

  it('a conversation the contact finished while its last text waited for the window still gets that text when it opens', async () => {
    setClock(10, 30, 0);
    const phone = aPhone();
    await start(aKeapContact(h.sandbox, { firstName: 'Quick', phone }), twoSteps);
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    // Evening falls: the window opens again in a few seconds. The contact answers, twice at once.
    const opensAt = Date.now() + 4_000;
    openWindowAt(h, opensAt);
    await h.text(phone, 'Ada');
    await eventually(
      async () => (await storedTexts(h, phone))[1]?.not_before,
      'the last question to wait for the window',
    );
    await h.text(phone, 'Nothing else, thanks');
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'finished',
      'the conversation to finish',
    );
    expect(Date.now()).toBeLessThan(opensAt); // finished while the last text still waited
    expect(h.textsTo(phone)).toEqual(['What is your name?']);

    await eventually(
      () => h.textsTo(phone).length === 2,
      'the last question once the window opens',
    );
    expect(h.textsTo(phone)).toEqual(['What is your name?', 'Thanks! Anything else to tell us?']);
    const sent = h.sandbox.twilio.messages.filter((m) => m.to === phone);
    expect(sent[1]!.dateCreated.getTime()).toBeGreaterThanOrEqual(opensAt - 50);
  });
});

/**
 * The no-reply reminder goes through the same send path: one falling due while the window is
 * closed waits for it. One "minute" of the tool's options lasts 100 ms here (CONVERSATION_MINUTE_MS),
 * so the reminder falls due 3 s after the question; the wall clock is set as above.
 */
describe('runtime: quiet hours and the no-reply reminder', () => {
  const MINUTE_MS = 100;
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime({
      CONVERSATION_MINUTE_MS: String(MINUTE_MS),
      CONVERSATION_SWEEP_INTERVAL_MS: '50',
    });
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(
      accountId,
      aDayQuestionWithReminder('Office hours with a reminder', {
        expiryMinutes: 150,
        reminderMinutesBeforeExpiry: 120,
      }),
    );
  });

  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await h?.close();
  });

  it('a reminder falling due while the window is closed waits, queued, and goes out when it opens', async () => {
    setAppClock(h, 10, 30, 0);
    const phone = await h.startContact(tool, 'Rem');
    await eventually(() => h.textsTo(phone).length === 1, 'the question');
    const [{ next_tick_at: due }] = await h.ds.query(
      `SELECT next_tick_at FROM conversations WHERE phone = $1`,
      [phone],
    );
    const remindAt = (due as Date).getTime();
    // Evening falls before the reminder is due; the window opens again two seconds after it.
    expect(Date.now()).toBeLessThan(remindAt);
    const opensAt = remindAt + 2_000;
    openWindowAt(h, opensAt);

    // Its send is planned (not_before) when the send job first sees it, a moment after the
    // reminder is stored: wait for the plan, as the question above does.
    const reminder = await eventually(
      async () =>
        (await storedTexts(h, phone)).find((t) => t.purpose === 'reminder' && t.not_before),
      'the reminder to be due and its send planned',
    );
    expect(reminder.status).toBe('queued');
    expect(reminder.not_before!.getTime()).toBeGreaterThanOrEqual(opensAt - 1_000);
    expect(h.textsTo(phone)).toEqual(['Which day suits you?']);

    await eventually(() => h.textsTo(phone).length === 2, 'the reminder once the window opens');
    expect(h.textsTo(phone)).toEqual(['Which day suits you?', 'Still there? Reply with a day.']);
    const sent = h.sandbox.twilio.messages.filter((m) => m.to === phone);
    expect(sent[1]!.dateCreated.getTime()).toBeGreaterThanOrEqual(opensAt - 50);
    expect((await h.conversationsOf(phone))[0]?.status).toBe('awaiting_reply');
  });
});
