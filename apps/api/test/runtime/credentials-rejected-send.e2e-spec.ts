import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, likesBlueSteps } from './builders';
import {
  type ConsoleBrowser,
  eventually,
  startRuntime,
  whenIdle,
  type RuntimeHarness,
} from './runtime-harness';

const ROTATED_TOKEN = 'rotated-in-the-twilio-console-0077';

/**
 * The Auth Token is rotated in Twilio's console while a tool is live: Twilio refuses the app's
 * sends (20003 / 401). That is the account's problem, not the contact's: the question is held
 * (not failed), the conversation stays open, and once working credentials are in (saved in the
 * console, or Twilio takes the saved ones again) the held text goes out once and the
 * conversation goes on.
 */
describe('a send Twilio refuses for the account credentials', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    h = await startRuntime({ QUEUE_BACKOFF_MS: '300' });
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Blue',
      keyword: null,
      startMode: 'http_only',
      collectEmailFirst: false,
      steps: likesBlueSteps(),
    });
    browser = await h.signedIn(accountId);
  });
  afterAll(async () => {
    h?.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN);
    await h?.close();
  });

  const outgoing = (phone: string) =>
    h.ds.query(
      `SELECT m.status, o.done_at IS NOT NULL AS done
         FROM messages m JOIN outbox o ON (o.payload->>'messageId')::uuid = m.id
        WHERE m.phone = $1 AND m.direction = 'out' ORDER BY m.seq`,
      [phone],
    );

  /** Twilio refuses the token: the contact's question is held, not lost, and retried. */
  async function startWhileRefused(firstName: string): Promise<string> {
    const phone = await h.startContact(tool, firstName);
    // The connection is marked rejected only after Twilio refused a send of this conversation.
    await eventually(
      async () =>
        (
          await h.ds.query(`SELECT status FROM twilio_connections WHERE account_sid = $1`, [
            DEMO_ACCOUNT_SID,
          ])
        )[0]?.status === 'rejected',
      'Twilio to refuse the send',
    );
    // Several retries later it is still held: not failed, the conversation waiting for it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(h.textsTo(phone)).toEqual([]);
    // (`sending` while a retry asks Twilio this moment)
    expect(await outgoing(phone)).toEqual([
      { status: expect.stringMatching(/^(queued|sending)$/), done: false },
    ]);
    const [conversation] = await h.conversationsOf(phone);
    expect(conversation).toMatchObject({ status: 'awaiting_reply', ended_at: null });
    return phone;
  }

  async function carriesOn(phone: string): Promise<void> {
    await eventually(() => h.textsTo(phone).length === 1, 'the held question to go out');
    expect(h.textsTo(phone)).toEqual(['Hi Pat, do you like blue?']);
    await h.text(phone, 'yes');
    await eventually(() => h.textsTo(phone).length === 2, 'the next step');
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual(['Hi Pat, do you like blue?', 'Great, thanks!']);
    expect(await outgoing(phone)).toEqual([
      { status: 'delivered', done: true },
      { status: 'delivered', done: true },
    ]);
    expect((await h.conversationsOf(phone))[0]).toMatchObject({ current_step_id: 'thanks' });
  }

  it('holds the text until the marketer saves the new Auth Token, then sends it once', async () => {
    h.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, ROTATED_TOKEN);
    const phone = await startWhileRefused('Pat');
    // Its next retry is a while off (each hold waits twice as long as the one before)...
    const retryAt = await eventually(async () => {
      const [row] = await h.ds.query(
        `SELECT o.not_before FROM outbox o JOIN messages m ON (o.payload->>'messageId')::uuid = m.id
          WHERE m.phone = $1 AND o.not_before > now() + interval '1500 milliseconds'`,
        [phone],
      );
      return (row?.not_before as Date | undefined)?.getTime();
    }, 'a retry planned further off');
    await browser
      .put('/api/twilio/connection')
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: ROTATED_TOKEN })
      .expect(200);
    // ...but saving the credentials sends the held text now.
    await eventually(() => h.textsTo(phone).length === 1, 'the held question');
    expect(Date.now()).toBeLessThan(retryAt);
    await carriesOn(phone);
  });

  it('holds the text until Twilio takes the saved credentials again (a later retry)', async () => {
    // The token saved by the first test is rotated away again, then put back in Twilio.
    h.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, 'rotated-again-in-the-console-0078');
    const phone = await startWhileRefused('Pat');
    h.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, ROTATED_TOKEN);
    await carriesOn(phone);
  });
});
