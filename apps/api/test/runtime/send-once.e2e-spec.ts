import { eventually, startRuntime, type RuntimeHarness } from './runtime-harness';

/**
 * A send whose answer never came may have reached Twilio: it is looked up there before it goes
 * again, so the contact gets it exactly once. Twilio's status callbacks cannot reach this app
 * (its public URL points nowhere), so only the lookup can tell what happened.
 */
describe('runtime: a text whose send had no answer goes out exactly once', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime({
      PUBLIC_URL: 'http://127.0.0.1:9',
      // 2 s between the sender's texts: a second conversation's text waits for its slot.
      SEND_RATE_LONG_CODE: '0.5',
    });
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Once',
      keyword: null,
      startMode: 'http_only',
      steps: [{ id: 'hello', name: 'Hello', message: 'Hello, once!' }],
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  const startFor = async (name: string) => {
    const phone = await h.startContact(tool, name);
    return phone;
  };
  const theText = (phone: string) =>
    h.ds
      .query(
        `SELECT m.id, m.status, m.provider_sid, o.attempts, o.done_at
           FROM messages m JOIN outbox o ON (o.payload->>'messageId')::uuid = m.id
          WHERE m.phone = $1 AND m.direction = 'out'`,
        [phone],
      )
      .then(
        (rows: { id: string; status: string; provider_sid: string | null; attempts: number }[]) =>
          rows[0],
      );
  const sentTo = (phone: string) =>
    h.sandbox.twilio.messages.filter((m) => m.direction === 'outbound-api' && m.to === phone);

  it('Twilio took the text and the answer was lost: the retry finds it there and does not send it again', async () => {
    h.sandbox.twilio.dropNextSendAnswers = { remaining: 1, afterApplying: true };
    const phone = await startFor('Lost');

    const done = await eventually(async () => {
      const row = await theText(phone);
      return row?.status === 'sent' ? row : undefined;
    }, 'the text recorded as sent');

    expect(h.sandbox.twilio.dropNextSendAnswers.remaining).toBe(0);
    expect(sentTo(phone)).toHaveLength(1);
    expect(done.provider_sid).toBe(sentTo(phone)[0]!.sid);
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(h.textsTo(phone)).toEqual(['Hello, once!']);
  });

  it('the connection dropped before Twilio took it: the retry finds nothing there and sends it, once', async () => {
    h.sandbox.twilio.dropNextSendAnswers = { remaining: 1, afterApplying: false };
    const phone = await startFor('Dropped');

    await eventually(async () => (await theText(phone))?.status === 'sent', 'the text sent');

    expect(h.sandbox.twilio.dropNextSendAnswers.remaining).toBe(0);
    expect(h.textsTo(phone)).toEqual(['Hello, once!']);
    expect((await theText(phone))!.provider_sid).toBe(sentTo(phone)[0]!.sid);
  });

  it('a worker that died after claiming a text (left "sending"): the text still goes out, once', async () => {
    const first = await startFor('First');
    await eventually(() => h.textsTo(first).length === 1, 'the first text');
    // The next text of the same sender waits for its slot, still queued (claimed only when due)...
    const second = await startFor('Second');
    const waiting = await eventually(async () => {
      const row = await theText(second);
      return row?.status === 'queued' ? row : undefined;
    }, 'the second text waiting for its slot');
    // ...and a worker claims it and dies before Twilio answers.
    const [, claimed] = await h.ds.query(
      `UPDATE messages SET status = 'sending', claimed_at = now() - interval '10 minutes',
              updated_at = now() - interval '10 minutes'
        WHERE id = $1 AND status = 'queued'`,
      [waiting.id],
    );
    expect(claimed).toBe(1);

    await eventually(async () => (await theText(second))?.status === 'sent', 'the second text');

    expect(h.textsTo(second)).toEqual(['Hello, once!']);
  });
});
