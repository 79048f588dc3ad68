import { randomBytes } from 'node:crypto';
import request from 'supertest';
import {
  aKeapContact,
  anInboundText,
  aPhone,
  DEMO_ACCOUNT_SID,
  likesBlueSteps,
} from '../runtime/builders';
import {
  type ConsoleBrowser,
  eventually,
  startRuntime,
  whenIdle,
  type RuntimeHarness,
} from '../runtime/runtime-harness';

const ROTATED_TOKEN = 'rotated-in-the-twilio-console-0042';
const REFUSED_REASON =
  "Twilio signs incoming texts with a different Auth Token than the one saved here — you may have rotated it in Twilio's console. Save the new token so incoming texts are accepted again.";

/** The runtime with an account whose BLUE tool is published, and its console signed in. */
async function aBlueAccount(): Promise<{ h: RuntimeHarness; browser: ConsoleBrowser }> {
  const h = await startRuntime();
  const { accountId } = await h.connectedAccount();
  await h.publishedTool(accountId, {
    name: 'Blue',
    keyword: 'BLUE',
    collectEmailFirst: false,
    steps: likesBlueSteps(),
  });
  return { h, browser: await h.signedIn(accountId) };
}

/** A Keap contact, Pat, with a fresh phone; the phone. */
function aPat(h: RuntimeHarness): string {
  const phone = aPhone();
  aKeapContact(h.sandbox, { firstName: 'Pat', phone });
  return phone;
}

const statusOf = (delivery: Awaited<ReturnType<RuntimeHarness['text']>>) =>
  delivery.deliveries.map((d) => d.responseStatus);

/**
 * The marketer rotates the Auth Token in Twilio's console: Twilio signs the texts contacts send
 * with the new token, which the app does not have, so it refuses them. The console says why, and
 * once the new token is saved the texts refused meanwhile are fetched back from Twilio and
 * answered, each once.
 */
describe('incoming texts signed with a rotated Auth Token', () => {
  let h: RuntimeHarness;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    ({ h, browser } = await aBlueAccount());
  });
  afterAll(async () => {
    await h?.close();
  });

  const twilioOf = async () => (await browser.get('/api/session').expect(200)).body.twilio;
  const aContact = () => aPat(h);

  it('refuses them and says why; saving the new token fetches the refused texts back and answers them once', async () => {
    const phone = aContact();
    expect(statusOf(await h.text(phone, 'BLUE'))).toEqual([200]);
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');

    await request(h.sandboxUrl)
      .post(`/sandbox/twilio/accounts/${DEMO_ACCOUNT_SID}/auth-token`)
      .send({ authToken: ROTATED_TOKEN })
      .expect(200);
    expect(statusOf(await h.text(phone, 'yes please'))).toEqual([403]);
    const refused = await eventually(async () => {
      const t = await twilioOf();
      return t.status === 'rejected' ? t : undefined;
    }, 'the session to say incoming texts are refused');
    expect(refused.statusReason).toBe(REFUSED_REASON);
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual(['Hi Pat, do you like blue?']);

    await browser
      .put('/api/twilio/connection')
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: ROTATED_TOKEN })
      .expect(200);
    expect(await twilioOf()).toMatchObject({ status: 'connected', statusReason: null });
    await eventually(() => h.textsTo(phone).length === 2, 'the refused text to be answered');
    await whenIdle(h);
    // The first text, which got through, is not taken again from Twilio's list.
    expect(h.textsTo(phone)).toEqual(['Hi Pat, do you like blue?', 'Great, thanks!']);
    const received = await h.ds.query(
      `SELECT body FROM messages WHERE phone = $1 AND direction = 'in' ORDER BY created_at`,
      [phone],
    );
    expect(received).toEqual([{ body: 'BLUE' }, { body: 'yes please' }]);

    // Texts signed with the new token are accepted at once, and saving again fetches nothing more.
    const next = aContact();
    expect(statusOf(await h.text(next, 'blue'))).toEqual([200]);
    await eventually(() => h.textsTo(next).length === 1, 'the next contact’s question');
    await browser
      .put('/api/twilio/connection')
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: ROTATED_TOKEN })
      .expect(200);
    await whenIdle(h);
    expect(h.textsTo(phone)).toHaveLength(2);
    expect(h.textsTo(next)).toEqual(['Hi Pat, do you like blue?']);
  });
});

/**
 * Anyone can post a webhook naming a connected account's AccountSid (it is not a secret) with a
 * made-up signature. Refused, and the connection is not marked "save the new token" on that alone.
 */
describe('forged webhooks', () => {
  let h: RuntimeHarness;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    ({ h, browser } = await aBlueAccount());
  });
  afterAll(async () => {
    await h?.close();
  });

  const twilioOf = async () => (await browser.get('/api/session').expect(200)).body.twilio;
  const aContact = () => aPat(h);

  it('forged webhooks (the AccountSid is public, the signature made up) never change the connection', async () => {
    const phone = aContact();
    const refusedBefore = h.sandbox.twilio.requestLog.length;
    for (let i = 0; i < 20; i++) {
      const forged = await request(h.t.app.getHttpServer())
        .post('/hooks/twilio/sms')
        .type('form')
        .set('X-Twilio-Signature', randomBytes(20).toString('base64'))
        .send(anInboundText(phone, { Body: `forged ${i}` }));
      expect(forged.status).toBe(403);
    }
    // Twilio was asked once whether the saved token still works; it does, so nothing is marked.
    await eventually(
      () =>
        h.sandbox.twilio.requestLog
          .slice(refusedBefore)
          .some((r) => r.method === 'GET' && r.path.endsWith(`/Accounts/${DEMO_ACCOUNT_SID}.json`)),
      'the saved token checked with Twilio',
    );
    await whenIdle(h);
    expect(await twilioOf()).toMatchObject({ status: 'connected', statusReason: null });
    const [connection] = await h.ds.query(
      `SELECT inbound_refused_since FROM twilio_connections WHERE account_sid = $1`,
      [DEMO_ACCOUNT_SID],
    );
    expect(connection.inbound_refused_since).toBeNull();
    expect(await h.ds.query(`SELECT 1 FROM messages WHERE phone = $1`, [phone])).toEqual([]);
    // Real texts still go through.
    expect(statusOf(await h.text(phone, 'BLUE'))).toEqual([200]);
    await eventually(() => h.textsTo(phone).length === 1, 'the question');
  });
});
