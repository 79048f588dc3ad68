import { OutboxPublisher } from '../../src/outbox/outbox.publisher';
import { aKeapContact, aPhone, notesOf } from './builders';
import { eventually, startRuntime, type RuntimeHarness } from './runtime-harness';

const TENANT = 'sb101';

/**
 * A contact who goes through the tool again at once: the note of the conversation that ended
 * waits for the one under way (at most NOTE_HOLD_MAX_MS after its end), and both transcripts go
 * in one Keap write instead of a create, then an append's read and update.
 */
function heldNotes(env: Record<string, string>) {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime(env);
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Again',
      keyword: null,
      startMode: 'http_only',
      steps: [{ id: 'q', name: 'Q', message: 'How was your visit?' }],
      options: { createNote: true },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  const noteCalls = () => {
    const calls = h.sandbox.keap.callCounts().byTenant[TENANT] ?? {};
    return {
      createNote: calls.createNote ?? 0,
      getNote: calls.getNote ?? 0,
      updateNote: calls.updateNote ?? 0,
    };
  };
  const noteRowOf = async (conversationId: string) => {
    const [row] = (await h.ds.query(
      `SELECT id, done_at IS NOT NULL AS done, not_before FROM outbox
        WHERE kind = 'write_note' AND conversation_id = $1`,
      [conversationId],
    )) as { id: string; done: boolean; not_before: Date | null }[];
    return row;
  };
  const eventsOf = async (conversationId: string, type: string) =>
    (
      (await h.ds.query(
        `SELECT detail FROM conversation_events WHERE conversation_id = $1 AND type = $2`,
        [conversationId, type],
      )) as { detail: Record<string, unknown> }[]
    ).map((r) => r.detail);
  const noteWrittenAt = async (conversationId: string) => {
    const [row] = (await h.ds.query(
      `SELECT created_at FROM conversation_events WHERE conversation_id = $1 AND type = 'note_written'`,
      [conversationId],
    )) as { created_at: Date }[];
    return row?.created_at;
  };

  /** A contact of its own; `start` sends the tool's question, `answer` ends that conversation. */
  function aContact(firstName: string) {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName, phone });
    let n = 0;
    return {
      contactId,
      async start(): Promise<void> {
        n += 1;
        await h.startByHttpPost(tool, contactId);
        await eventually(() => h.textsTo(phone).length === n, 'the question');
      },
      async answer(text: string) {
        await h.text(phone, text);
        return eventually(async () => {
          const c = (await h.conversationsOf(phone))[n - 1];
          return c?.status === 'finished' ? c : undefined;
        }, 'the end');
      },
    };
  }

  /**
   * The contact's first conversation ends while its note cannot run yet, and the second starts
   * before it does; answers the first (the second waits for the contact's reply).
   */
  async function backInTheToolAtOnce(contact: ReturnType<typeof aContact>, answer: string) {
    const noteQueue = h.t.app.get(OutboxPublisher).queue('write_note');
    await noteQueue.pause(true);
    try {
      await contact.start();
      const first = await contact.answer(answer);
      await eventually(async () => (await noteRowOf(first.id)) !== undefined, 'its note row');
      await contact.start();
      return first;
    } finally {
      await noteQueue.resume(true);
    }
  }

  return {
    h: () => h,
    noteCalls,
    noteRowOf,
    noteWrittenAt,
    eventsOf,
    aContact,
    backInTheToolAtOnce,
  };
}

describe('runtime: a note waits while the contact is in the tool again (default hold)', () => {
  const t = heldNotes({});

  it('writes both transcripts in one create once the next conversation ends', async () => {
    const ada = t.aContact('Ada');
    const first = await t.backInTheToolAtOnce(ada, 'Lovely');
    const before = t.noteCalls();

    // Its job puts it off until the hold runs out, counted from its end; no note in Keap yet.
    const held = await eventually(async () => {
      const row = await t.noteRowOf(first.id);
      return row?.not_before ? row : undefined;
    }, 'the note held');
    expect(held.done).toBe(false);
    expect(held.not_before!.getTime() - first.ended_at!.getTime()).toBeGreaterThanOrEqual(
      600_000 - 1_000,
    );
    expect(notesOf(t.h().sandbox, ada.contactId)).toHaveLength(0);
    // Told once in the conversation's history, with the time it waits until.
    expect(await t.eventsOf(first.id, 'note_held')).toEqual([
      { until: held.not_before!.toISOString() },
    ]);

    const second = await ada.answer('Even better');
    await eventually(
      async () => (await t.noteRowOf(first.id))!.done && (await t.noteRowOf(second.id))!.done,
      'both notes written',
    );
    expect(t.noteCalls()).toEqual({
      createNote: before.createNote + 1,
      getNote: before.getNote,
      updateNote: before.updateNote,
    });
    const notes = notesOf(t.h().sandbox, ada.contactId);
    expect(notes).toHaveLength(1);
    const text = notes[0]!.text!;
    expect(text.indexOf(`(ref ${first.id})`)).toBeGreaterThanOrEqual(0);
    expect(text.indexOf(`(ref ${first.id})`)).toBeLessThan(text.indexOf(`(ref ${second.id})`));
    expect(text).toContain('Contact: Lovely');
    expect(text).toContain('Contact: Even better');
  });

  it('writes at once when the contact is in no other conversation of the tool', async () => {
    const bea = t.aContact('Bea');
    await bea.start();
    const only = await bea.answer('Sunny');
    await eventually(async () => (await t.noteRowOf(only.id))?.done === true, 'the note');
    expect((await t.noteRowOf(only.id))!.not_before).toBeNull();
    expect(notesOf(t.h().sandbox, bea.contactId)).toHaveLength(1);
  });
});

describe('runtime: a held note is written alone once NOTE_HOLD_MAX_MS has passed', () => {
  const HOLD_MS = 2_000;
  const t = heldNotes({ NOTE_HOLD_MAX_MS: String(HOLD_MS) });

  it('writes the first transcript after the hold, and appends the next when it ends', async () => {
    const cy = t.aContact('Cy');
    const first = await t.backInTheToolAtOnce(cy, 'Rainy');

    // The second stays under way: the first's note goes alone, no sooner than the hold allows.
    await eventually(async () => (await t.noteRowOf(first.id))!.done, 'the first note', 15_000);
    const writtenAt = await t.noteWrittenAt(first.id);
    expect(writtenAt!.getTime() - first.ended_at!.getTime()).toBeGreaterThanOrEqual(HOLD_MS - 50);
    const alone = notesOf(t.h().sandbox, cy.contactId);
    expect(alone).toHaveLength(1);
    expect(alone[0]!.text).toContain('Contact: Rainy');

    const before = t.noteCalls();
    const second = await cy.answer('Windy');
    await eventually(async () => (await t.noteRowOf(second.id))?.done === true, 'the append');
    expect(t.noteCalls()).toEqual({
      createNote: before.createNote,
      getNote: before.getNote + 1,
      updateNote: before.updateNote + 1,
    });
    const notes = notesOf(t.h().sandbox, cy.contactId);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toContain('Contact: Rainy');
    expect(notes[0]!.text).toContain('Contact: Windy');
  });
});
