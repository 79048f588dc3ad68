import { aKeapContact, aPhone, notesOf, questionSteps } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

describe('runtime: webhooks delivered twice, and one note per contact per tool', () => {
  let h: RuntimeHarness;
  let accountId: string;

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
  });

  afterAll(async () => {
    await h?.close();
  });

  it('the same inbound webhook (same MessageSid) twice: stored once, one advance, one reply text', async () => {
    await h.publishedTool(accountId, {
      name: 'Twice',
      keyword: 'ONCE',
      collectEmailFirst: false,
      steps: questionSteps('Question one?', 'Question two?', 'Question three?'),
    });
    const phone = aPhone();
    const start = await h.text(phone, 'ONCE', { deliverTwice: true });
    expect(start.deliveries.map((d) => d.responseStatus)).toEqual([200, 200]);
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    const reply = await h.text(phone, 'first answer', { deliverTwice: true });
    expect(reply.deliveries.map((d) => d.responseStatus)).toEqual([200, 200]);
    await eventually(() => h.textsTo(phone).length === 2, 'the second question');
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual(['Question one?', 'Question two?']);
    expect(await h.conversationsOf(phone)).toEqual([
      expect.objectContaining({ current_step_id: 'q2', status: 'awaiting_reply' }),
    ]);
    const [{ n }] = await h.ds.query(
      `SELECT count(*)::int AS n FROM messages WHERE phone = $1 AND direction = 'in'`,
      [phone],
    );
    expect(n).toBe(2);
  });

  it('writes the transcript to one note, and appends the second run to the same note', async () => {
    const tool = await h.publishedTool(accountId, {
      name: 'Noted',
      keyword: null,
      startMode: 'http_only',
      // Saves its reply, so it waits for it (a closing message would end as it is sent).
      steps: [
        {
          id: 'q',
          name: 'Q',
          message: 'How was your visit?',
          saveTo: '_FavoriteColor',
          next: { kind: 'finish' },
        },
      ],
      options: { createNote: true },
    });
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Nia', phone });
    const run = async (answer: string, n: number) => {
      await h.startByHttpPost(tool, contactId);
      await eventually(() => h.textsTo(phone).length === n, 'the question');
      await h.text(phone, answer);
      await eventually(
        async () => (await h.conversationsOf(phone))[n - 1]?.status === 'finished',
        'the end',
      );
      await whenIdle(h);
    };

    await run('Lovely, thanks', 1);
    const first = await eventually(
      () =>
        notesOf(h.sandbox, contactId).length === 1 ? notesOf(h.sandbox, contactId) : undefined,
      'the note',
    );
    expect(first[0]?.title).toBe('SMS: Noted');
    expect(first[0]?.text).toContain('Us: How was your visit?');
    expect(first[0]?.text).toContain('Contact: Lovely, thanks');

    await run('Even better', 2);
    await eventually(
      () => notesOf(h.sandbox, contactId)[0]?.text?.includes('Contact: Even better'),
      'the appended transcript',
    );
    const notes = notesOf(h.sandbox, contactId);
    expect(notes).toHaveLength(1);
    const text = notes[0]!.text!;
    expect(text.split('Contact: Lovely, thanks')).toHaveLength(2);
    expect(text.split('Contact: Even better')).toHaveLength(2);
    expect(text.indexOf('Lovely, thanks')).toBeLessThan(text.indexOf('Even better'));

    // Redelivering the note jobs (the relay after a crash) writes nothing twice.
    const jobs: { id: string }[] = await h.ds.query(
      `SELECT id FROM outbox WHERE kind = 'write_note'`,
    );
    await h.ds.query(
      `UPDATE outbox SET done_at = NULL, published_at = NULL WHERE kind = 'write_note'`,
    );
    expect(jobs).toHaveLength(2);
    await whenIdle(h);
    expect(notesOf(h.sandbox, contactId)).toHaveLength(1);
    expect(notesOf(h.sandbox, contactId)[0]?.text).toBe(text);
  });
});
