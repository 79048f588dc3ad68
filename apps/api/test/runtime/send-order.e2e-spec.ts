import { aPhone, questionSteps } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

describe('runtime: the texts of one conversation go out in the order they were asked for', () => {
  let h: RuntimeHarness;

  beforeAll(async () => {
    // A retry waits a full second, long enough for a later text to overtake it if nothing stops it.
    h = await startRuntime({ QUEUE_BACKOFF_MS: '1000' });
    const { accountId } = await h.connectedAccount();
    await h.publishedTool(accountId, {
      name: 'Ordered',
      keyword: 'ORDER',
      collectEmailFirst: false,
      steps: questionSteps('Question one?', 'Question two?', 'Question three?'),
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('a text whose send is retried is not overtaken by the next one', async () => {
    const phone = aPhone();
    await h.text(phone, 'ORDER');
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    h.sandbox.twilio.failNextSends = { remaining: 1, status: 503 };
    await h.text(phone, 'one');
    await eventually(async () => {
      const [row] = await h.ds.query(
        `SELECT attempts FROM outbox o JOIN messages m ON m.id = (o.payload->>'messageId')::uuid WHERE m.body = 'Question two?' AND m.phone = $1`,
        [phone],
      );
      return row?.attempts >= 1;
    }, 'the failed send of question two');
    await h.text(phone, 'two');
    await eventually(() => h.textsTo(phone).length === 3, 'all three questions', 10_000);
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual(['Question one?', 'Question two?', 'Question three?']);
  });
});
