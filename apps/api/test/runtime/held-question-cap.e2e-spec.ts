import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN } from './builders';
import { eventually, startRuntime, type RuntimeHarness } from './runtime-harness';

/** One "minute" of the tool's options lasts 50 ms here: the expiry (20) is 1 s, the cap (40) 2 s. */
const MINUTE_MS = 50;

/**
 * A question that cannot go out (Twilio refuses the account's credentials and nobody fixes them)
 * holds its conversation's expiry back only so long (HELD_QUESTION_MAX_MINUTES): past it the
 * conversation expires, and once Twilio takes the credentials again the day-old question is held
 * back (conversation_expired) instead of being sent into a conversation that is over.
 */
describe('runtime: a question held past HELD_QUESTION_MAX_MINUTES', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime({
      CONVERSATION_MINUTE_MS: String(MINUTE_MS),
      CONVERSATION_SWEEP_INTERVAL_MS: '50',
      HELD_QUESTION_MAX_MINUTES: '40',
      QUEUE_BACKOFF_MS: '200',
    });
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Blue',
      keyword: null,
      startMode: 'http_only',
      collectEmailFirst: false,
      steps: [{ id: 'ask', name: 'Ask', message: 'Do you like blue?' }],
      options: { expiryMinutes: 20 },
    });
  });
  afterAll(async () => {
    h?.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN);
    await h?.close();
  });

  const question = async (phone: string) =>
    (
      await h.ds.query(
        `SELECT m.status, m.error_code, o.done_at IS NOT NULL AS done
           FROM messages m JOIN outbox o ON (o.payload->>'messageId')::uuid = m.id
          WHERE m.phone = $1 AND m.direction = 'out'`,
        [phone],
      )
    )[0] as { status: string; error_code: string | null; done: boolean } | undefined;

  it('keeps the conversation open while held within the cap, then expires it and never sends the question', async () => {
    h.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, 'rotated-and-never-saved-0099');
    const startedAt = Date.now();
    const phone = await h.startContact(tool, 'Pat');
    await eventually(async () => (await question(phone))?.status === 'queued', 'the held question');

    // Past the tool's 1 s expiry but within the 2 s cap: the question holds the expiry back.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, startedAt + 1_500 - Date.now())),
    );
    expect((await h.conversationsOf(phone))[0]).toMatchObject({ ended_at: null });

    // Past the cap the conversation expires although the question never went out.
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'expired',
      'the conversation to expire past the cap',
    );
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000);

    // Twilio takes the credentials again: the held question's next try holds it back for good.
    h.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN);
    await eventually(async () => (await question(phone))?.done === true, 'the held question');
    expect(await question(phone)).toEqual({
      status: 'suppressed',
      error_code: 'conversation_expired',
      done: true,
    });
    expect(h.textsTo(phone)).toEqual([]);
  });
});
