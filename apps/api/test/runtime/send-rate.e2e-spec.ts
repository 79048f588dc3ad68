import request from 'supertest';
import { aConnectedAccount, aKeapContact, aPhone, aPublishedTool, aTool } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

const NUMBER_A = '+14155550100';
const NUMBER_B = '+12125550142';
const RATE = 2; // texts per second per long code: 500 ms apart
const INTERVAL_MS = 1000 / RATE;
const BURST = 8;

/**
 * A campaign burst on one number drains at that number's rate, and waiting for its slots holds no
 * worker: with two send workers, a reply on another number still goes out at once.
 */
describe('runtime: the per-sender send rate', () => {
  let h: RuntimeHarness;
  let campaign: { toolId: string; secret: string };
  let other: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime({ SEND_RATE_LONG_CODE: String(RATE), QUEUE_CONCURRENCY: '2' });
    const { accountId } = await aConnectedAccount(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
    });
    const oneStep = (name: string, message: string, phoneNumber: string) =>
      aTool({
        name,
        keyword: null,
        startMode: 'http_only',
        sender: { kind: 'phone_number', phoneNumber },
        steps: [{ id: 'hello', name: 'Hello', message }],
      });
    campaign = await aPublishedTool(
      h.ds,
      accountId,
      oneStep('Campaign', 'Big sale today!', NUMBER_A),
    );
    other = await aPublishedTool(h.ds, accountId, oneStep('Support', 'How can we help?', NUMBER_B));
  });

  afterAll(async () => {
    await h?.close();
  });

  const start = (tool: { toolId: string; secret: string }, contactId: number) =>
    request(h.t.app.getHttpServer())
      .post(`/hooks/tools/${tool.toolId}/${tool.secret}`)
      .send({ contactId })
      .expect(202);
  const sentFrom = (number: string) =>
    h.sandbox.twilio.messages.filter((m) => m.direction === 'outbound-api' && m.from === number);

  it('a burst on number A does not hold up a text on number B, and A’s texts leave no faster than A’s rate', async () => {
    const crowd = Array.from({ length: BURST }, () => {
      const phone = aPhone();
      return aKeapContact(h.sandbox, { firstName: 'Shopper', phone });
    });
    const askedAt = Date.now();
    await Promise.all(crowd.map((contactId) => start(campaign, contactId)));
    await eventually(async () => {
      const [{ n }] = await h.ds.query(
        `SELECT count(*)::int AS n FROM messages WHERE direction = 'out' AND sender_key = $1`,
        [`phone:${NUMBER_A}`],
      );
      return n === BURST;
    }, 'the whole burst to be queued on A');

    const helped = aPhone();
    await start(other, aKeapContact(h.sandbox, { firstName: 'Help', phone: helped }));
    await eventually(() => h.textsTo(helped).length === 1, 'the text on number B');

    // B's text went out while most of A's burst was still waiting for A's slots, unclaimed.
    expect(sentFrom(NUMBER_A).length).toBeLessThanOrEqual(BURST - 3);
    const waiting: { status: string }[] = await h.ds.query(
      `SELECT status FROM messages WHERE direction = 'out' AND sender_key = $1 AND provider_sid IS NULL`,
      [`phone:${NUMBER_A}`],
    );
    expect(waiting.length).toBeGreaterThanOrEqual(3);
    expect(new Set(waiting.map((w) => w.status))).toEqual(new Set(['queued']));

    await eventually(() => sentFrom(NUMBER_A).length === BURST, 'the whole burst', 20_000);
    await whenIdle(h);
    const times = sentFrom(NUMBER_A)
      .map((m) => m.dateCreated.getTime())
      .sort((a, b) => a - b);
    // The k-th text leaves no sooner than k intervals after the burst was asked for: its slot is k
    // intervals after the first, which was taken after that (a few ms for the clocks' rounding).
    times.forEach((t, k) => expect(t).toBeGreaterThanOrEqual(askedAt + k * INTERVAL_MS - 5));
    expect(sentFrom(NUMBER_A).map((m) => m.to).length).toBe(new Set(crowd).size);
  });
});
