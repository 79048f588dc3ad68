import { NoteWriter } from '../../src/crm-effects/note-writer';
import { runAsKeapWork } from '../../src/keap/budget/keap-work';
import { OutboxPublisher } from '../../src/outbox/outbox.publisher';
import { aKeapContact, aPhone, notesOf } from './builders';
import { eventually, startRuntime, type RuntimeHarness } from './runtime-harness';

const TENANT = 'sb101';
const NOTE_CALLS = ['createNote', 'getNote', 'updateNote', 'listNotes'] as const;

/**
 * Notes are background Keap work: a contact's next conversation often ends while the note of the
 * one before still waits for the budget. The note job that gets its turn then writes every
 * transcript of the contact waiting, in one Keap call; the others' jobs find theirs written.
 */
describe('runtime: one Keap note write for every transcript of the contact waiting', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Together',
      keyword: null,
      startMode: 'http_only',
      // "The next message" with none below: the reply ends it (no save, no tag: only the note).
      steps: [{ id: 'q', name: 'Q', message: 'How was your visit?' }],
      options: { createNote: true },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  const noteQueue = () => h.t.app.get(OutboxPublisher).queue('write_note');
  /** A note job as the queue worker runs it, here and now. */
  const runNoteJob = (outboxId: string) =>
    runAsKeapWork('note', () => h.t.app.get(NoteWriter).run(outboxId));
  /** Keap's note calls for the tenant so far, by operation, and all its calls. */
  const keapCalls = () => {
    const calls = h.sandbox.keap.callCounts().byTenant[TENANT] ?? {};
    const notes = Object.fromEntries(NOTE_CALLS.map((op) => [op, calls[op] ?? 0]));
    return { notes, all: Object.values(calls).reduce((a, b) => a + b, 0) };
  };
  const delta = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(NOTE_CALLS.map((op) => [op, (after[op] ?? 0) - (before[op] ?? 0)]));
  const noteRows = async (conversationIds: string[]) =>
    (await h.ds.query(
      `SELECT id, conversation_id, done_at IS NOT NULL AS done FROM outbox
        WHERE kind = 'write_note' AND conversation_id = ANY($1::uuid[])`,
      [conversationIds],
    )) as { id: string; conversation_id: string; done: boolean }[];
  const noteRowOf = async (conversationId: string) => {
    const [row] = await noteRows([conversationId]);
    if (!row) throw new Error(`no note row for ${conversationId}`);
    return row;
  };
  const eventsOf = async (conversationId: string, type: string) =>
    (
      (await h.ds.query(
        `SELECT detail FROM conversation_events WHERE conversation_id = $1 AND type = $2`,
        [conversationId, type],
      )) as { detail: Record<string, unknown> }[]
    ).map((r) => r.detail);
  const times = (text: string, part: string) => text.split(part).length - 1;

  /** A contact of its own, whose conversations answer as told. */
  function aContact(firstName: string) {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName, phone });
    let n = 0;
    return {
      contactId,
      /** One conversation, started, answered and ended, all its work but the note done. */
      async converse(answer: string): Promise<string> {
        n += 1;
        await h.startByHttpPost(tool, contactId);
        await eventually(() => h.textsTo(phone).length === n, 'the question');
        await h.text(phone, answer);
        const ended = await eventually(async () => {
          const c = (await h.conversationsOf(phone))[n - 1];
          return c?.status === 'finished' ? c : undefined;
        }, 'the end');
        await eventually(async () => {
          const [{ left }] = await h.ds.query(
            `SELECT count(*)::int AS left FROM outbox
              WHERE conversation_id = $1 AND kind <> 'write_note' AND done_at IS NULL`,
            [ended.id],
          );
          return left === 0 && (await noteRows([ended.id])).length === 1;
        }, 'its work but the note');
        return ended.id;
      },
    };
  }

  it('writes two transcripts that waited together in one create, and the second job writes nothing', async () => {
    const ada = aContact('Ada');
    await noteQueue().pause(true);
    let first: string;
    let second: string;
    let before: ReturnType<typeof keapCalls>;
    try {
      first = await ada.converse('Lovely');
      second = await ada.converse('Even better');
      before = keapCalls();
    } finally {
      await noteQueue().resume(true);
    }
    await eventually(
      async () => (await noteRows([first, second])).every((r) => r.done),
      'both notes written',
    );

    // One Keap write for both: the create, no read or update of the note.
    expect(delta(before.notes, keapCalls().notes)).toEqual({
      createNote: 1,
      getNote: 0,
      updateNote: 0,
      listNotes: 0,
    });
    const notes = notesOf(h.sandbox, ada.contactId);
    expect(notes).toHaveLength(1);
    const text = notes[0]!.text!;
    expect(times(text, `(ref ${first})`)).toBe(1);
    expect(times(text, `(ref ${second})`)).toBe(1);
    expect(times(text, 'Contact: Lovely')).toBe(1);
    expect(times(text, 'Contact: Even better')).toBe(1);
    // In the order the conversations started.
    expect(text.indexOf(`(ref ${first})`)).toBeLessThan(text.indexOf(`(ref ${second})`));
    expect(await eventsOf(first, 'note_written')).toEqual([
      { noteId: notes[0]!.id, action: 'created', with: [second] },
    ]);
    expect(await eventsOf(second, 'note_written')).toEqual([
      { noteId: notes[0]!.id, action: 'created', with: [first] },
    ]);

    // Each job again, done or redelivered as not done (a crash before its row was marked): no
    // Keap call at all, and the note as it was.
    const quiet = keapCalls().all;
    for (const id of [first, second]) {
      const row = await noteRowOf(id);
      await runNoteJob(row.id);
      await h.ds.query(`UPDATE outbox SET done_at = NULL WHERE id = $1`, [row.id]);
      await runNoteJob(row.id);
      expect((await noteRowOf(id)).done).toBe(true);
    }
    expect(keapCalls().all).toBe(quiet);
    expect(notesOf(h.sandbox, ada.contactId).map((n) => n.text)).toEqual([text]);
    expect(await eventsOf(second, 'note_written')).toHaveLength(1);
  });

  it('retried after Keap wrote two transcripts but its answer was lost, adds only the third that ended since', async () => {
    const bea = aContact('Bea');
    await noteQueue().pause(true);
    try {
      const first = await bea.converse('Sunny');
      const second = await bea.converse('Cloudy');
      const job = (await noteRowOf(first)).id;

      // Keap creates the note with both, and every answer is lost: the create's, then those of
      // the client's look for the note (a GET, retried), so the job's attempt fails.
      h.sandbox.keap.failNextCalls(10, 502, {
        afterApplying: true,
        operations: ['createNote', 'listNotes'],
      });
      await expect(runNoteJob(job)).rejects.toThrow();
      h.sandbox.keap.failNextCalls(0);
      const lost = notesOf(h.sandbox, bea.contactId);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.text).toContain(`(ref ${first})`);
      expect(lost[0]!.text).toContain(`(ref ${second})`);
      expect((await noteRows([first, second])).some((r) => r.done)).toBe(false);

      // A third conversation ends before the retry, which gathers all three.
      const third = await bea.converse('Stormy');
      const before = keapCalls();
      await runNoteJob(job);

      // The note found by its markers, the third appended as it was read: no second note, no
      // transcript twice, no read of the note beyond the look.
      expect(delta(before.notes, keapCalls().notes)).toEqual({
        createNote: 0,
        getNote: 0,
        updateNote: 1,
        listNotes: 1,
      });
      const notes = notesOf(h.sandbox, bea.contactId);
      expect(notes).toHaveLength(1);
      const text = notes[0]!.text!;
      for (const id of [first, second, third]) expect(times(text, `(ref ${id})`)).toBe(1);
      for (const answer of ['Sunny', 'Cloudy', 'Stormy'])
        expect(times(text, `Contact: ${answer}`)).toBe(1);
      expect(text.indexOf('Sunny')).toBeLessThan(text.indexOf('Cloudy'));
      expect(text.indexOf('Cloudy')).toBeLessThan(text.indexOf('Stormy'));
      expect((await noteRows([first, second, third])).every((r) => r.done)).toBe(true);
      for (const id of [first, second, third])
        expect(await eventsOf(id, 'note_written')).toHaveLength(1);

      // The other two jobs: nothing left to write.
      const quiet = keapCalls().all;
      for (const id of [second, third]) await runNoteJob((await noteRowOf(id)).id);
      expect(keapCalls().all).toBe(quiet);
    } finally {
      await noteQueue().resume(true);
    }
  });
});
