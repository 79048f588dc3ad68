import {
  aKeapContact,
  anInboundText,
  aPhone,
  DEMO_AUTH_TOKEN,
  questionSteps,
  tagId,
  tagsOf,
} from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

const SERVICE_SID = 'MG00000000000000000000000000000001';
const SERVICE_NUMBER = '+16175550111';

describe('runtime: opt-out (STOP) and opt-in (START)', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };
  let optedOutTag: number;

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    optedOutTag = tagId(h.sandbox, 'SMS: Opted out');
    const steps = questionSteps('Question one? Text STOP to stop.', 'Question two?');
    const options = { optOutTagId: optedOutTag };
    tool = await h.publishedTool(accountId, {
      name: 'Stoppable',
      keyword: 'BLUE',
      collectEmailFirst: false,
      steps,
      options,
    });
    await h.publishedTool(accountId, {
      name: 'Via service',
      keyword: 'TEAL',
      collectEmailFirst: false,
      sender: { kind: 'messaging_service', messagingServiceSid: SERVICE_SID },
      steps,
      options,
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  const startByPost = (contactId: number) => h.startByHttpPost(tool, contactId);

  it('STOP mid-conversation: ends it, applies the opt-out tag, nothing more is sent, keyword and campaign do not start; START opts back in', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Sam', phone });
    await h.text(phone, 'BLUE');
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');

    await h.text(phone, ' stop ');
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'opted_out',
      'the conversation to end as opted out',
    );
    await eventually(
      () => tagsOf(h.sandbox, contactId).includes('SMS: Opted out'),
      'the opt-out tag',
    );
    expect(await h.ds.query(`SELECT source FROM opt_outs WHERE phone = $1`, [phone])).toEqual([
      { source: 'STOP' },
    ]);

    // Nothing more: a reply, the keyword, a campaign start.
    await h.text(phone, 'BLUE');
    await startByPost(contactId);
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual(['Question one? Text STOP to stop.']);
    expect(await h.conversationsOf(phone)).toHaveLength(1);

    await h.text(phone, 'START');
    await eventually(
      async () =>
        (await h.ds.query(`SELECT 1 FROM opt_outs WHERE phone = $1`, [phone])).length === 0,
      'the opt-in',
    );
    await h.text(phone, 'blue');
    await eventually(() => h.textsTo(phone).length === 2, 'a new start after opting in');
    expect(h.textsTo(phone)[1]).toBe('Question one? Text STOP to stop.');
    expect((await h.conversationsOf(phone)).map((c) => c.status)).toEqual([
      'opted_out',
      'awaiting_reply',
    ]);
    expect(tagsOf(h.sandbox, contactId)).toEqual(['SMS: Opted out']);
  });

  it('"Stop!" with punctuation or emoji around the word opts out too (as a person means it)', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Sam', phone });
    await h.text(phone, 'BLUE');
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    await h.text(phone, 'Stop! 🛑');
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'opted_out',
      'the conversation to end as opted out',
    );
    await eventually(
      () => tagsOf(h.sandbox, contactId).includes('SMS: Opted out'),
      'the opt-out tag',
    );
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual(['Question one? Text STOP to stop.']);
  });

  it('a send Twilio rejects because the number unsubscribed (21610) records the opt-out, tags and ends', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Uma', phone });
    // The phone unsubscribed at Twilio (e.g. before we knew it); we never saw the STOP.
    h.sandbox.twilio.optOuts.add(`+14155550100|${phone}`);
    await startByPost(contactId);
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'opted_out',
      'the conversation to end as opted out',
    );
    await eventually(
      () => tagsOf(h.sandbox, contactId).includes('SMS: Opted out'),
      'the opt-out tag',
    );
    expect(await h.ds.query(`SELECT source FROM opt_outs WHERE phone = $1`, [phone])).toEqual([
      { source: 'provider' },
    ]);
    const [message] = await h.ds.query(
      `SELECT status, error_code FROM messages WHERE phone = $1 AND direction = 'out'`,
      [phone],
    );
    expect(message).toEqual({ status: 'failed', error_code: '21610' });
    expect(h.textsTo(phone)).toEqual([]);
  });

  describe('Twilio’s Advanced Opt-Out (OptOutType) on a messaging service', () => {
    /** A signed inbound webhook as Twilio sends it for a custom opt-out keyword. */
    async function inbound(from: string, body: string, optOutType?: 'STOP' | 'START') {
      const params = anInboundText(from, {
        MessagingServiceSid: SERVICE_SID,
        To: SERVICE_NUMBER,
        Body: body,
        ...(optOutType ? { OptOutType: optOutType } : {}),
      });
      const res = await h.postSignedText(params, DEMO_AUTH_TOKEN);
      expect(res.status).toBe(200);
    }
    const serviceTextsTo = (phone: string) =>
      h.sandbox.twilio.messages.filter(
        (m) =>
          m.to === phone && m.direction === 'outbound-api' && m.messagingServiceSid === SERVICE_SID,
      );

    it('honours OptOutType=STOP for a word the app does not know, and OptOutType=START to opt back in', async () => {
      const phone = aPhone();
      await inbound(phone, 'TEAL');
      await eventually(
        () => serviceTextsTo(phone).length === 1,
        'the first question through the service',
      );
      await inbound(phone, 'ARRET', 'STOP');
      await eventually(
        async () => (await h.conversationsOf(phone))[0]?.status === 'opted_out',
        'the opt-out from OptOutType',
      );
      const contactId = (await h.conversationsOf(phone))[0]?.contact_id;
      await eventually(
        () => tagsOf(h.sandbox, Number(contactId)).includes('SMS: Opted out'),
        'the opt-out tag',
      );
      await inbound(phone, 'TEAL');
      await whenIdle(h);
      expect(serviceTextsTo(phone)).toHaveLength(1);

      await inbound(phone, 'REPRENDRE', 'START');
      await eventually(
        async () =>
          (await h.ds.query(`SELECT 1 FROM opt_outs WHERE phone = $1`, [phone])).length === 0,
        'the opt-in from OptOutType',
      );
      await inbound(phone, 'TEAL');
      await eventually(() => serviceTextsTo(phone).length === 2, 'a new start after opting in');
    });
  });
});
