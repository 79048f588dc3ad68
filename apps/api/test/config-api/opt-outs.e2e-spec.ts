import {
  DEMO_MESSAGING_SERVICE_SID,
  SECOND_ACCOUNT_SID,
  SECOND_AUTH_TOKEN,
  SECOND_TENANT_ID,
} from '@sms-seq/sandbox';
import request from 'supertest';
import { aKeapContact, anAccountConnectedTo, aPhone, questionSteps } from '../runtime/builders';
import {
  type ConsoleBrowser,
  eventually,
  type RuntimeHarness,
  startRuntime,
} from '../runtime/runtime-harness';

/** The sandbox number in the demo messaging service's pool. */
const SERVICE_NUMBER = '+16175550111';

/**
 * "Why does this person get nothing?": Ada texts STOP in the middle of the Colour tool, Grace
 * texts STOP to the messaging service with no conversation going; the Opt-outs list names for
 * each the word, the sender in words and the tool, finds Ada by her number as people write it,
 * and shows another account's opt-outs to nobody but that account.
 */
describe('GET /api/opt-outs: the opted-out numbers', () => {
  let h: RuntimeHarness;
  let browser: ConsoleBrowser;
  let accountId: string;
  let toolId: string;
  const ada = '+17205557707';
  const grace = aPhone();

  const list = async (query: Record<string, string> = {}, who: ConsoleBrowser = browser) =>
    (await who.get('/api/opt-outs').query(query).expect(200)).body as {
      items: Record<string, unknown>[];
      nextCursor: string | null;
    };

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
    ({ toolId } = await h.publishedTool(accountId, {
      name: 'Colour',
      keyword: 'BLUE',
      collectEmailFirst: false,
      steps: questionSteps('Blue or red? Text STOP to stop.', 'Why?'),
    }));
    browser = await h.signedIn(accountId);

    await h.text(ada, 'blue');
    await eventually(() => h.textsTo(ada).length === 1, 'the first question to Ada');
    await h.text(ada, 'Stop');
    // One after the other, so the newest is known.
    await eventually(async () => (await list()).items.length === 1, 'Ada’s opt-out listed');
    await h.text(grace, 'UNSUBSCRIBE', { to: SERVICE_NUMBER });
    await eventually(async () => (await list()).items.length === 2, 'both opt-outs listed');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('names the word, the sender in words and the tool the opt-out ended, newest first', async () => {
    const { items, nextCursor } = await list();
    expect(items).toEqual([
      {
        phone: grace,
        phoneFormatted: expect.stringMatching(/^\(\d{3}\) \d{3}-\d{4}$/),
        sender: `service:${DEMO_MESSAGING_SERVICE_SID}`,
        senderName: 'Demo messaging service',
        toolId: null,
        toolName: null,
        word: 'UNSUBSCRIBE',
        optedOutAt: expect.any(String),
      },
      {
        phone: ada,
        phoneFormatted: '(720) 555-7707',
        sender: 'phone:+14155550100',
        senderName: '(415) 555-0100',
        toolId,
        toolName: 'Colour',
        word: 'STOP',
        optedOutAt: expect.any(String),
      },
    ]);
    expect(nextCursor).toBeNull();
  });

  it.each(['(720) 555-7707', '720.555.7707', '+1 720 555 7707', '555-7707', 'colour', 'stop'])(
    'finds Ada by %j',
    async (q) => {
      expect((await list({ q })).items.map((i) => i.phone)).toEqual([ada]);
    },
  );

  it('finds nobody for a number that did not opt out', async () => {
    expect((await list({ q: '(303) 555-0000' })).items).toEqual([]);
  });

  it('pages with the cursor it gives, each opt-out once', async () => {
    const first = await list({ limit: '1' });
    expect(first.items.map((i) => i.phone)).toEqual([grace]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list({ limit: '1', cursor: first.nextCursor ?? '' });
    expect(second.items.map((i) => i.phone)).toEqual([ada]);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not give, saying what to use', async () => {
    const res = await browser.get('/api/opt-outs').query({ cursor: 'nonsense' }).expect(400);
    expect(res.body.error.message).toMatch(/nextCursor/);
  });

  it('shows another account only its own opt-outs, even of the same phone', async () => {
    const other = await anAccountConnectedTo(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      tenantId: SECOND_TENANT_ID,
      name: 'Other',
      twilio: { accountSid: SECOND_ACCOUNT_SID, authToken: SECOND_AUTH_TOKEN },
    });
    const otherBrowser = await h.signedIn(other.accountId);
    expect((await list({}, otherBrowser)).items).toEqual([]);
    expect((await list({ q: '720 555 7707' }, otherBrowser)).items).toEqual([]);

    await h.ds.query(
      `INSERT INTO opt_outs (account_id, sender_key, phone, source) VALUES ($1, 'phone:+15035550120', $2, 'STOP')`,
      [other.accountId, ada],
    );
    expect((await list({}, otherBrowser)).items.map((i) => i.sender)).toEqual([
      'phone:+15035550120',
    ]);
    expect((await list({ q: '720 555 7707' })).items.map((i) => i.sender)).toEqual([
      'phone:+14155550100',
    ]);
  });

  it('lists a number Twilio refused as unsubscribed with no word, and the tool whose text it refused', async () => {
    const tool = await h.publishedTool(accountId, {
      name: 'Campaign',
      keyword: 'CAMP',
      collectEmailFirst: false,
      steps: questionSteps('Still interested?'),
    });
    // Unsubscribed at Twilio before we knew it: the first send is refused (21610).
    const uma = aPhone();
    h.sandbox.twilio.optOuts.add(`+14155550100|${uma}`);
    await h.startByHttpPost(tool, aKeapContact(h.sandbox, { firstName: 'Uma', phone: uma }));
    await eventually(
      async () => (await list({ q: uma })).items.length === 1,
      'the refused send to be listed as an opt-out',
    );
    expect((await list({ q: uma })).items[0]).toMatchObject({
      word: null,
      toolId: tool.toolId,
      toolName: 'Campaign',
    });
  });

  it('answers 401 without a session', async () => {
    const res = await request(h.t.app.getHttpServer()).get('/api/opt-outs').expect(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('answers only as its OpenAPI document says', async () => {
    await h.expectAnswersDocumented();
  });
});
