import { OutboxPublisher } from '../../src/outbox/outbox.publisher';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

const NUMBER = '+14155550100';
const RATE = 2; // texts per second on the long code
const CROWD = 10;

/**
 * Slots are reserved 1/rate apart, but a delayed job wakes when a worker gets to it: behind a
 * backlog, every job whose slot has passed runs at once. The sender's rate must still hold at
 * Twilio in every second, and every text must still go out, once.
 */
describe('runtime: the sender’s rate when delayed sends wake late', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime({
      SEND_RATE_LONG_CODE: String(RATE),
      QUEUE_CONCURRENCY: '4',
      // The relay's copies would take new slots; this test is about the delayed jobs' own.
      OUTBOX_REPUBLISH_AFTER_MS: '120000',
    });
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Campaign',
      keyword: null,
      startMode: 'http_only',
      sender: { kind: 'phone_number', phoneNumber: NUMBER },
      steps: [{ id: 'hello', name: 'Hello', message: 'Big sale today!' }],
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  const sent = () =>
    h.sandbox.twilio.messages.filter((m) => m.direction === 'outbound-api' && m.from === NUMBER);

  it('texts whose slots all passed while the worker was held go out at no more than the rate in any second, each once', async () => {
    const phones = await Promise.all(
      Array.from({ length: CROWD }, () => h.startContact(tool, 'Shopper')),
    );
    // Every text has its slot: sent already, or planned as a delayed job.
    const lastSlot = await eventually(async () => {
      const [row] = await h.ds.query(
        `SELECT count(*)::int AS n, max(not_before) AS last FROM outbox
          WHERE kind = 'send_message' AND (done_at IS NOT NULL OR not_before IS NOT NULL)`,
      );
      return row.n === CROWD ? (row.last as Date).getTime() : undefined;
    }, 'every text to have its slot');

    // The worker is held (as behind a backlog) until every slot has passed: the delayed jobs
    // then all wake at once.
    const queue = h.t.app.get(OutboxPublisher).queue('send_message');
    await queue.pause();
    await eventually(() => Date.now() > lastSlot + 1_000, 'every slot to pass', 30_000);
    const late = CROWD - sent().length;
    expect(late).toBeGreaterThanOrEqual(4);
    await queue.resume();

    await eventually(() => sent().length >= CROWD, 'every text to go out', 30_000);
    await whenIdle(h);

    // Each contact got its text once.
    expect(sent().length).toBe(CROWD);
    for (const phone of phones) expect(h.textsTo(phone)).toEqual(['Big sale today!']);
    const rows: { provider_sid: string | null }[] = await h.ds.query(
      `SELECT provider_sid FROM messages WHERE direction = 'out' AND provider_sid IS NOT NULL`,
    );
    expect(new Set(rows.map((r) => r.provider_sid)).size).toBe(CROWD);

    // No second holds more than RATE of them: the text RATE places later is a full second later.
    const times = sent()
      .map((m) => m.dateCreated.getTime())
      .sort((a, b) => a - b);
    const t0 = times[0] ?? 0;
    const tooClose = times
      .slice(RATE)
      .map((t, k) => ({ first: (times[k] ?? -Infinity) - t0, last: t - t0 }))
      .filter(({ first, last }) => last - first < 1_000);
    expect(tooClose).toEqual([]);
  });
});
