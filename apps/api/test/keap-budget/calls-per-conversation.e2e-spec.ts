import { ConversationRuntime } from '../../src/conversations/conversation-runtime.service';
import { KeapCallsPerConversation } from '../../src/conversations/keap-calls-per-conversation';
import { KEAP_CALL_KINDS } from '../../src/keap/budget/keap-call-kinds';
import { OutboxPublisher } from '../../src/outbox/outbox.publisher';
import { aKeapContact, aPhone } from '../runtime/builders';
import {
  eventually,
  startRuntime,
  whenIdle,
  type RuntimeHarness,
} from '../runtime/runtime-harness';
import { aCampaignCustomer } from './budget-builders';

/**
 * The keap_calls_per_conversation histogram observes a conversation once, when it has ended and
 * its last Keap work is done. Here that last work is a tag and a note finishing together: the
 * test lets them interleave in the one order that loses calls when a job tallies its calls after
 * marking its row done (the tag job sees both rows done while the note's calls are not yet
 * tallied), by holding each job as it comes to tally its calls. The real jobs run against the
 * Keap sandbox; only the moment each one goes on is chosen.
 */
describe('Keap calls per conversation: a tag and a note finishing together', () => {
  let h: RuntimeHarness;

  beforeAll(async () => {
    h = await startRuntime();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await h?.close();
  });

  it("counts the note's calls in the histogram although the tag's job saw the conversation's work done first", async () => {
    const { tenantId, tool, number } = await aCampaignCustomer(h, 'tally', 'Colours', {
      question: 'Favourite colour?',
      saveTo: null,
      createNote: true,
    });
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Ana', phone }, tenantId);
    await h.startByHttpPost(tool, contactId, { form: true });
    await eventually(() => h.textsTo(phone).length === 1, 'the question');

    // The tag's job goes on tallying once the note's job has come to tally its own calls; the
    // note's job goes on once the tag's job has finished (observed the conversation, or not).
    const runtime = h.t.app.get(ConversationRuntime);
    const tally = runtime.recordKeapCalls.bind(runtime);
    let noteAtTally!: () => void;
    const noteReachedTally = new Promise<void>((resolve) => (noteAtTally = resolve));
    const tagJobDone = new Promise<void>((resolve) =>
      h.t.app
        .get(OutboxPublisher)
        .queue('apply_tag')
        .once('completed', () => resolve()),
    );
    jest.spyOn(runtime, 'recordKeapCalls').mockImplementation(async (id, calls, ...rest) => {
      if (calls['notes.create']) {
        noteAtTally();
        await tagJobDone;
      } else if (calls['tags.apply']) await noteReachedTally;
      return tally(id, calls, ...rest);
    });

    await h.text(phone, 'Blue!', { to: number });
    await eventually(
      async () => {
        const [row] = await h.ds.query(
          `SELECT count(*)::int AS n FROM outbox WHERE kind IN ('apply_tag', 'write_note') AND done_at IS NOT NULL`,
        );
        return row.n === 2;
      },
      'the tag and the note to be written',
      30_000,
    );
    await whenIdle(h);
    expect(h.sandbox.keap.tagsOf(h.sandbox.keap.tenant(tenantId), String(contactId))).toEqual([
      expect.objectContaining({ name: 'Likes blue' }),
    ]);

    // The conversation's own tally, and the histogram's sums: every call of it, once.
    const [conversation] = await h.ds.query(
      `SELECT keap_calls FROM conversations WHERE phone = $1`,
      [phone],
    );
    const calls = conversation.keap_calls as Record<string, number>;
    expect(calls).toEqual(expect.objectContaining({ 'tags.apply': 1, 'notes.create': 1 }));
    const histogram = new Map(
      (await h.t.app.get(KeapCallsPerConversation).distributions()).map((d) => [d.kind, d]),
    );
    expect(histogram.get('notes.create')?.sum).toBe(1);
    expect(histogram.get('tags.apply')?.sum).toBe(1);
    for (const kind of KEAP_CALL_KINDS) {
      expect([kind, histogram.get(kind)?.sum]).toEqual([kind, calls[kind] ?? 0]);
      // Observed once: one conversation in each kind's distribution.
      expect(histogram.get(kind)?.counts.get(calls[kind] ?? 0)).toBe(1);
    }
  }, 90_000);
});
