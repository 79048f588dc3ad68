import request from 'supertest';
import { WallClock } from '../../src/conversations/wall-clock';
import { aConnectedAccount, aKeapContact, aPhone, aPublishedTool, aTool } from './builders';
import { eventually, startRuntime, type RuntimeHarness } from './runtime-harness';

/**
 * Quiet hours (the tool's send window, in the contact's time zone): a text due while the window is
 * closed waits, queued, and goes out when it opens. The app's wall clock is set to a chosen hour
 * (a test does not wait for 9 o'clock); the wait itself is real.
 */
describe('runtime: quiet hours', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  /** Makes the app's clock read `utcHour:minute:second` (UTC) now, and run on from there. */
  function setAppClock(utcHour: number, minute: number, second: number): void {
    const target = new Date();
    target.setUTCHours(utcHour, minute, second, 0);
    const offset = target.getTime() - Date.now();
    jest.spyOn(h.t.app.get(WallClock), 'now').mockImplementation(() => Date.now() + offset);
  }

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await aConnectedAccount(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
    });
    tool = await aPublishedTool(
      h.ds,
      accountId,
      aTool({
        name: 'Office hours',
        keyword: null,
        startMode: 'http_only',
        steps: [{ id: 'hello', name: 'Hello', message: 'Good morning! Text STOP to stop.' }],
        options: { sendWindow: { start: '09:00', end: '17:00', defaultTimeZone: 'UTC' } },
      }),
    );
  });

  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await h?.close();
  });

  const start = (contactId: number) =>
    request(h.t.app.getHttpServer())
      .post(`/hooks/tools/${tool.toolId}/${tool.secret}`)
      .send({ contactId })
      .expect(202);
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
    setAppClock(8, 59, 57); // three seconds before 09:00 UTC
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
    setAppClock(12, 0, 0); // inside the window in UTC; 07:00 in New York (winter) or 08:00 (summer)
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
    setAppClock(10, 30, 0);
    const phone = aPhone();
    await start(aKeapContact(h.sandbox, { firstName: 'Day', phone }));
    await eventually(() => h.textsTo(phone).length === 1, 'the text');
  });
});
