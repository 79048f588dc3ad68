import { aKeapContact, aPhone, notesOf } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

/**
 * Finishing (PRODUCT.md): a finish step that neither saves nor checks its reply is a closing
 * message, and the conversation ends as soon as it is sent; a finish step that saves its reply
 * waits for it, and a live keyword as that reply is saved, ends it and starts the keyword's tool.
 * Expiry is the default 24 hours: nothing here may wait for it.
 */
describe('runtime: closing messages', () => {
  let h: RuntimeHarness;
  let accountId: string;
  const CLOSING = 'Great, see you there! Text RSVP again any time';

  const customFieldsOf = (contactId: number) =>
    h.sandbox.keap
      .describeContacts(h.sandbox.keap.tenant('sb101'))
      .find((c) => String(c.id) === String(contactId))?.custom_fields as
      Record<string, unknown> | undefined;

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
    await h.publishedTool(accountId, {
      name: 'RSVP',
      keyword: 'RSVP',
      collectEmailFirst: false,
      options: { createNote: true },
      steps: [
        { id: 'coming', name: 'Coming', message: 'Coming on Friday? Text STOP to stop.' },
        { id: 'bye', name: 'Bye', message: CLOSING, next: { kind: 'finish' } },
      ],
    });
    await h.publishedTool(accountId, {
      name: 'Feedback',
      keyword: 'FEEDBACK',
      collectEmailFirst: false,
      options: { createNote: true },
      steps: [
        {
          id: 'comment',
          name: 'Comment',
          message: 'Your favourite colour? Text STOP to stop.',
          saveTo: '_FavoriteColor',
          next: { kind: 'finish' },
        },
      ],
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('ends as the closing message is sent: the note holds it, and the keyword starts anew at once', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Ada', phone });
    await h.text(phone, 'RSVP');
    await eventually(() => h.textsTo(phone).length === 1, 'the question');
    await h.text(phone, 'Yes!');
    await eventually(() => h.textsTo(phone).length === 2, 'the closing message');
    expect(h.textsTo(phone)[1]).toBe(CLOSING);
    const [ended] = await eventually(async () => {
      const rows = await h.conversationsOf(phone);
      return rows[0]?.status === 'finished' ? rows : undefined;
    }, 'the conversation to finish without a reply');
    expect(ended).toMatchObject({ current_step_id: 'bye', ended_at: expect.any(Date) });

    const note = await eventually(() => notesOf(h.sandbox, contactId)[0]?.text, 'the note');
    expect(note).toContain('Contact: Yes!');
    expect(note).toContain(`Us: ${CLOSING}`);
    expect(note.indexOf('Contact: Yes!')).toBeLessThan(note.indexOf(`Us: ${CLOSING}`));

    // The phone is free: the keyword starts a new conversation, not a reply to the old one.
    await h.text(phone, 'rsvp');
    await eventually(() => h.textsTo(phone).length === 3, 'the question again');
    expect(h.textsTo(phone)[2]).toBe('Coming on Friday? Text STOP to stop.');
    const conversations = await h.conversationsOf(phone);
    expect(conversations.map((c) => c.status)).toEqual(['finished', 'awaiting_reply']);
    await whenIdle(h);
    // Nothing else was queued for the ended conversation: no reminder, no expiry ending.
    const [{ n }] = await h.ds.query(
      `SELECT count(*)::int AS n FROM conversations WHERE id = $1 AND next_tick_at IS NULL AND expires_at IS NULL`,
      [ended!.id],
    );
    expect(n).toBe(1);
  });

  it('a finish step that saves its reply waits; a keyword as that reply is saved, ends it and starts its tool', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Bo', phone });
    await h.text(phone, 'FEEDBACK');
    await eventually(() => h.textsTo(phone).length === 1, 'the question');
    await whenIdle(h);
    expect(await h.conversationsOf(phone)).toEqual([
      expect.objectContaining({ status: 'awaiting_reply', current_step_id: 'comment' }),
    ]);

    await h.text(phone, ' Rsvp ');
    await eventually(() => h.textsTo(phone).length === 2, "the keyword's tool to start");
    expect(h.textsTo(phone)[1]).toBe('Coming on Friday? Text STOP to stop.');
    const [feedback, rsvp] = await h.conversationsOf(phone);
    expect(feedback).toMatchObject({ status: 'finished', ended_at: expect.any(Date) });
    expect(rsvp).toMatchObject({ status: 'awaiting_reply', current_step_id: 'coming' });
    await eventually(
      () => customFieldsOf(contactId)?.FavoriteColor === 'Rsvp',
      'the reply saved in Keap',
    );
    await eventually(
      () => /Contact: +Rsvp/.test(notesOf(h.sandbox, contactId)[0]?.text ?? ''),
      "the first conversation's note with the reply",
    );
  });
});
