import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import {
  DEMO_ACCOUNT_SID,
  DEMO_AUTH_TOKEN,
  DEMO_MESSAGING_SERVICE_SID,
  DEMO_TENANT_ID,
  SECOND_ACCOUNT_SID,
  SECOND_AUTH_TOKEN,
  SECOND_TENANT_ID,
} from '@sms-seq/sandbox';
import request from 'supertest';
import { twilioWebhookUrls } from '../../src/twilio/twilio-webhook-urls';
import { aKeapContact, aPhone, DEMO_NUMBER, likesBlueSteps } from '../runtime/builders';
import {
  type ConsoleBrowser,
  eventually,
  type RuntimeHarness,
  startRuntime,
  whenIdle,
} from '../runtime/runtime-harness';
import { type Browser, type ConfigApi, startConfigApi } from './support/config-api-harness';
import { aPublishableTool, SANDBOX_NUMBER } from './support/tool-builder';

/**
 * A published tool's number (or messaging service) whose inbound webhook was re-pointed in the
 * Twilio Console: the senders list says which tool cannot hear its contacts, and "point here"
 * puts the webhook back, for the signed-in account's senders only.
 */
describe('pointing a published tool’s sender back at this app', () => {
  let api: ConfigApi;
  let a: Browser;
  let b: Browser;
  let colourId: string;
  let quizId: string;

  /** As the app points senders: with connection overrides (`#rc=…`). */
  const APP_SMS_URL = twilioWebhookUrls('http://api.test.local').smsUrl;
  const APP_STATUS_URL = 'http://api.test.local/hooks/twilio/status';
  const ELSEWHERE = 'https://elsewhere.example.com/sms';
  const NUMBER_SID = 'PN00000000000000000000000000000001'; // SANDBOX_NUMBER, A's
  const UNUSED_SID = 'PN00000000000000000000000000000002'; // +12125550142, A's, no tool
  const B_NUMBER_SID = 'PN00000000000000000000000000000021'; // SECOND_NUMBER, B's
  const UNKNOWN_SID = 'PN99999999999999999999999999999999';

  const sandboxNumber = (sid: string) => api.sandbox.twilio.numbers.get(sid)!;
  const sandboxService = () => api.sandbox.twilio.services.get(DEMO_MESSAGING_SERVICE_SID)!;
  const post = (who: Browser, url: string, body?: object) =>
    who.agent.post(url).set('x-csrf-token', who.csrf).send(body);
  const pointHere = (who: Browser, sid: string) =>
    post(who, `/api/twilio/numbers/${sid}/point-here`);
  const senders = async (who: Browser) =>
    (await who.agent.get('/api/twilio/senders').expect(200)).body as {
      phoneNumbers: { sid: string }[];
      messagingServices: { sid: string }[];
    };
  const numberRow = async (who: Browser, sid: string) =>
    (await senders(who)).phoneNumbers.find((n) => n.sid === sid);
  const serviceRow = async (who: Browser, sid: string) =>
    (await senders(who)).messagingServices.find((s) => s.sid === sid);

  /** The account owner changes the number's webhook in the Twilio Console (Twilio's own API). */
  const repointInTwilio = (sid: string, smsUrl: string) =>
    request(api.sandbox.app)
      .post(`/2010-04-01/Accounts/${DEMO_ACCOUNT_SID}/IncomingPhoneNumbers/${sid}.json`)
      .auth(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN)
      .type('form')
      .send({ SmsUrl: smsUrl })
      .expect(200);

  const publish = async (who: Browser, name: string, keyword: string, sender?: object) => {
    const created = await post(who, '/api/tools', { name }).expect(201);
    const draft = { ...aPublishableTool(name, keyword), ...(sender ? { sender } : {}) };
    await who.agent
      .put(`/api/tools/${created.body.id}`)
      .set('x-csrf-token', who.csrf)
      .send({ draft, draftRevision: 1 })
      .expect(200);
    await post(who, `/api/tools/${created.body.id}/publish`).expect(201);
    return created.body.id as string;
  };

  beforeAll(async () => {
    api = await startConfigApi();
    a = await api.signIn(DEMO_TENANT_ID);
    b = await api.signIn(SECOND_TENANT_ID);
    await a.agent
      .put('/api/twilio/connection')
      .set('x-csrf-token', a.csrf)
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN })
      .expect(200);
    await b.agent
      .put('/api/twilio/connection')
      .set('x-csrf-token', b.csrf)
      .send({ accountSid: SECOND_ACCOUNT_SID, authToken: SECOND_AUTH_TOKEN })
      .expect(200);
    colourId = await publish(a, 'Colour', 'COLOUR');
    quizId = await publish(a, 'Quiz', 'QUIZ', {
      kind: 'messaging_service',
      messagingServiceSid: DEMO_MESSAGING_SERVICE_SID,
    });
  });
  afterAll(() => api.close());

  it('lists which published tools use each sender, and nothing is broken while they point here', async () => {
    expect(await numberRow(a, NUMBER_SID)).toEqual({
      sid: NUMBER_SID,
      phoneNumber: SANDBOX_NUMBER,
      friendlyName: expect.any(String),
      smsUrl: APP_SMS_URL,
      connected: true,
      usedBy: [{ id: colourId, name: 'Colour' }],
      broken: false,
    });
    // No tool uses it: it may point anywhere, nothing is lost.
    expect(await numberRow(a, UNUSED_SID)).toMatchObject({
      connected: false,
      usedBy: [],
      broken: false,
    });
    expect(await serviceRow(a, DEMO_MESSAGING_SERVICE_SID)).toMatchObject({
      smsUrl: APP_SMS_URL,
      connected: true,
      usedBy: [{ id: quizId, name: 'Quiz' }],
      broken: false,
    });
  });

  it('marks the number broken for its live tool once its webhook is changed in Twilio, and point-here puts it back', async () => {
    await repointInTwilio(NUMBER_SID, ELSEWHERE);
    expect(await numberRow(a, NUMBER_SID)).toMatchObject({
      smsUrl: ELSEWHERE,
      connected: false,
      usedBy: [{ id: colourId, name: 'Colour' }],
      broken: true,
    });

    const fixed = await pointHere(a, NUMBER_SID).expect(200);
    expect(fixed.body).toEqual({
      sid: NUMBER_SID,
      phoneNumber: SANDBOX_NUMBER,
      friendlyName: expect.any(String),
      smsUrl: APP_SMS_URL,
      connected: true,
      usedBy: [{ id: colourId, name: 'Colour' }],
      broken: false,
      // Nobody texted it meanwhile.
      fetchedBack: 0,
      fetchBackFailed: false,
    });
    expect(sandboxNumber(NUMBER_SID)).toMatchObject({
      smsUrl: APP_SMS_URL,
      smsMethod: 'POST',
      smsFallbackUrl: APP_SMS_URL,
      statusCallback: APP_STATUS_URL,
    });
    expect(await numberRow(a, NUMBER_SID)).toMatchObject({ connected: true, broken: false });
    // Again: already here, Twilio is not asked to change anything.
    const updates = jest.spyOn(api.sandbox.twilio, 'updateNumber');
    try {
      await pointHere(a, NUMBER_SID).expect(200);
      expect(updates).not.toHaveBeenCalled();
    } finally {
      updates.mockRestore();
    }
  });

  it('marks the messaging service broken once its inbound request URL is changed, and point-here puts it back', async () => {
    await request(api.sandbox.app)
      .post(`/v1/Services/${DEMO_MESSAGING_SERVICE_SID}`)
      .auth(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN)
      .type('form')
      .send({ InboundRequestUrl: ELSEWHERE })
      .expect(200);
    expect(await serviceRow(a, DEMO_MESSAGING_SERVICE_SID)).toMatchObject({
      smsUrl: ELSEWHERE,
      connected: false,
      usedBy: [{ id: quizId, name: 'Quiz' }],
      broken: true,
    });
    const fixed = await post(
      a,
      `/api/twilio/messaging-services/${DEMO_MESSAGING_SERVICE_SID}/point-here`,
    ).expect(200);
    expect(fixed.body).toMatchObject({
      sid: DEMO_MESSAGING_SERVICE_SID,
      smsUrl: APP_SMS_URL,
      connected: true,
      broken: false,
    });
    expect(sandboxService()).toMatchObject({
      inboundRequestUrl: APP_SMS_URL,
      useInboundWebhookOnNumber: false,
    });
  });

  it("finds only the signed-in account's senders: another account's SID is 404 and is left as it is", async () => {
    await repointInTwilio(NUMBER_SID, ELSEWHERE);
    const res = await pointHere(b, NUMBER_SID).expect(404);
    expect(res.body.error).toEqual({
      code: 'twilio_number_not_found',
      message: expect.stringContaining(`Twilio has no phone number ${NUMBER_SID}`),
    });
    expect(sandboxNumber(NUMBER_SID).smsUrl).toBe(ELSEWHERE);
    // B cannot see A's tools on its own senders either.
    expect(await numberRow(b, B_NUMBER_SID)).toMatchObject({ usedBy: [] });
    // And A cannot reach B's number.
    await pointHere(a, B_NUMBER_SID).expect(404);
    const service = await post(
      b,
      `/api/twilio/messaging-services/${DEMO_MESSAGING_SERVICE_SID}/point-here`,
    ).expect(404);
    expect(service.body.error.code).toBe('twilio_service_not_found');
    await pointHere(a, NUMBER_SID).expect(200);
  });

  it('answers 404 saying so for a SID Twilio does not know, and 400 saying what a SID is for one that is not', async () => {
    const unknown = await pointHere(a, UNKNOWN_SID).expect(404);
    expect(unknown.body.error.message).toMatch(
      /^Twilio has no phone number PN9{32} on the connected Twilio account: it may have been released/,
    );
    const malformed = await pointHere(a, 'not-a-sid').expect(400);
    expect(malformed.body.error).toMatchObject({
      code: 'invalid_input',
      message:
        'That is not a Twilio phone number SID (PN followed by 32 hex digits). Reload Connections and try again.',
    });
    const service = await post(a, '/api/twilio/messaging-services/PN1/point-here').expect(400);
    expect(service.body.error.message).toMatch(/^That is not a Twilio messaging service SID/);
  });

  it('refuses without a session (401) and without the CSRF header (403), changing nothing', async () => {
    await repointInTwilio(NUMBER_SID, ELSEWHERE);
    const anon = await api.anonymous().post(`/api/twilio/numbers/${NUMBER_SID}/point-here`);
    expect([anon.status, anon.body.error?.code]).toEqual([401, 'unauthorized']);
    const noCsrf = await a.agent.post(`/api/twilio/numbers/${NUMBER_SID}/point-here`);
    expect([noCsrf.status, noCsrf.body.error?.code]).toEqual([403, 'forbidden']);
    const serviceNoCsrf = await a.agent.post(
      `/api/twilio/messaging-services/${DEMO_MESSAGING_SERVICE_SID}/point-here`,
    );
    expect(serviceNoCsrf.status).toBe(403);
    expect(sandboxNumber(NUMBER_SID).smsUrl).toBe(ELSEWHERE);
  });

  it('maps Twilio failing as the other Twilio endpoints do: 502 twilio_unavailable, then 409 when it refuses the credentials', async () => {
    const failing = jest.spyOn(api.sandbox.twilio, 'updateNumber').mockImplementationOnce(() => {
      throw new Error('Twilio is having a bad day');
    });
    try {
      const res = await pointHere(a, NUMBER_SID).expect(502);
      expect(res.body.error).toMatchObject({
        code: 'twilio_unavailable',
        message: 'Twilio could not do that just now. Try again in a minute.',
      });
    } finally {
      failing.mockRestore();
    }
    expect(await numberRow(a, NUMBER_SID)).toMatchObject({ broken: true });
    // Retried, it works.
    await pointHere(a, NUMBER_SID).expect(200);
    expect(sandboxNumber(NUMBER_SID).smsUrl).toBe(APP_SMS_URL);

    // The Auth Token rotated in the Twilio Console: the saved one is refused.
    const rotated = 'rotated-demo-auth-token-000000077';
    api.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, rotated);
    try {
      const res = await pointHere(a, NUMBER_SID).expect(409);
      expect(res.body.error.code).toBe('twilio_credentials_rejected');
    } finally {
      api.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN);
    }
  });

  it('never puts a secret in a response or a log line', () => api.expectNoSecretsLeaked());

  it('answers only as the OpenAPI document says (status and schema)', () =>
    api.expectAnswersDocumented());
});

/**
 * While the number (or service) pointed elsewhere, Twilio sent its texts to the other URL, where
 * the tool never heard them. Pointing it back fetches them back from Twilio: each is stored once
 * and answered like any text.
 */
describe('texts a sender received while it pointed elsewhere', () => {
  let h: RuntimeHarness;
  let marketer: ConsoleBrowser;
  let other: OtherApp;
  const POOL_NUMBER = '+16175550111'; // in DEMO_MESSAGING_SERVICE_SID's pool

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    await h.publishedTool(accountId, {
      name: 'Blue',
      keyword: 'BLUE',
      collectEmailFirst: false,
      steps: likesBlueSteps(),
    });
    await h.publishedTool(accountId, {
      name: 'Quiz',
      keyword: 'QUIZ',
      collectEmailFirst: false,
      sender: { kind: 'messaging_service', messagingServiceSid: DEMO_MESSAGING_SERVICE_SID },
      steps: likesBlueSteps(),
    });
    marketer = await h.signedIn(accountId);
    other = await anotherApp();
  });
  afterAll(async () => {
    await other?.close();
    await h?.close();
  });

  const numberSid = () => h.sandbox.twilio.numberByPhone(DEMO_NUMBER)!.sid;
  const aContact = () => {
    const phone = aPhone();
    aKeapContact(h.sandbox, { firstName: 'Pat', phone });
    return phone;
  };
  /** The owner points the number's "A message comes in" at another app (Twilio's API). */
  const repointNumber = (smsUrl: string) =>
    request(h.sandboxUrl)
      .post(`/2010-04-01/Accounts/${DEMO_ACCOUNT_SID}/IncomingPhoneNumbers/${numberSid()}.json`)
      .auth(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN)
      .type('form')
      .send({ SmsUrl: smsUrl })
      .expect(200);
  const pointNumberBack = () =>
    marketer.post(`/api/twilio/numbers/${numberSid()}/point-here`).expect(200);
  const textedElsewhere = async (from: string, body: string, to?: string) => {
    const { deliveries } = await h.text(from, body, to ? { to } : {});
    expect(deliveries.map((d) => [d.url, d.responseStatus])).toEqual([[other.url, 200]]);
  };
  const storedFrom = async (phone: string) =>
    (
      await h.ds.query(
        `SELECT body FROM messages WHERE phone = $1 AND direction = 'in' ORDER BY created_at`,
        [phone],
      )
    ).map((m: { body: string }) => m.body);

  it('a keyword texted meanwhile is fetched back once and starts the conversation; pointing it here again fetches nothing twice', async () => {
    const phone = aContact();
    await repointNumber(other.url);
    await textedElsewhere(phone, 'BLUE');
    expect(other.bodies()).toEqual(['BLUE']);
    expect(await storedFrom(phone)).toEqual([]);

    const back = await pointNumberBack();
    expect(back.body).toMatchObject({
      phoneNumber: DEMO_NUMBER,
      connected: true,
      broken: false,
      fetchedBack: 1,
      fetchBackFailed: false,
    });
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    expect(h.textsTo(phone)).toEqual(['Hi Pat, do you like blue?']);
    expect(await storedFrom(phone)).toEqual(['BLUE']);

    // Already here: nothing went elsewhere, nothing is fetched.
    expect((await pointNumberBack()).body).toMatchObject({
      fetchedBack: 0,
      fetchBackFailed: false,
    });

    // Pointed away again: only the reply sent meanwhile comes back, not the keyword stored already.
    await repointNumber(other.url);
    await textedElsewhere(phone, 'yes please');
    expect((await pointNumberBack()).body).toMatchObject({
      fetchedBack: 1,
      fetchBackFailed: false,
    });
    await eventually(() => h.textsTo(phone).length === 2, 'the reply to be answered');
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual(['Hi Pat, do you like blue?', 'Great, thanks!']);
    expect(await storedFrom(phone)).toEqual(['BLUE', 'yes please']);
  });

  it('a messaging service pointed back fetches back the texts its pool numbers received', async () => {
    const phone = aContact();
    await request(h.sandboxUrl)
      .post(`/v1/Services/${DEMO_MESSAGING_SERVICE_SID}`)
      .auth(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN)
      .type('form')
      .send({ InboundRequestUrl: other.url, UseInboundWebhookOnNumber: 'false' })
      .expect(200);
    await textedElsewhere(phone, 'quiz', POOL_NUMBER);

    const back = await marketer
      .post(`/api/twilio/messaging-services/${DEMO_MESSAGING_SERVICE_SID}/point-here`)
      .expect(200);
    expect(back.body).toMatchObject({ connected: true, fetchedBack: 1, fetchBackFailed: false });
    await eventually(() => h.textsTo(phone).length === 1, 'the first question');
    expect(await storedFrom(phone)).toEqual(['quiz']);
    const [conversation] = await h.conversationsOf(phone);
    expect(conversation).toMatchObject({ status: 'awaiting_reply', current_step_id: 'color' });
  });

  it('points it back even when Twilio cannot list the texts, says they were not fetched back, and logs why', async () => {
    const phone = aContact();
    await repointNumber(other.url);
    await textedElsewhere(phone, 'BLUE');
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    let warned: string[] = [];
    // Twilio fails the list (Messages.json answers 500).
    const listing = jest.spyOn(h.sandbox.twilio.messages, 'filter').mockImplementationOnce(() => {
      throw new Error('Twilio is having a bad day');
    });
    try {
      const back = await pointNumberBack();
      expect(back.body).toMatchObject({ connected: true, fetchedBack: 0, fetchBackFailed: true });
      expect(listing).toHaveBeenCalled();
      warned = warnings.mock.calls.map(([line]) => String(line));
    } finally {
      listing.mockRestore();
      warnings.mockRestore();
    }
    expect(h.sandbox.twilio.numberByPhone(DEMO_NUMBER)!.smsUrl).toBe(
      twilioWebhookUrls(h.publicUrl).smsUrl,
    );
    // The log says why (Twilio's answer), naming the number.
    expect(warned).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `phone:\\${DEMO_NUMBER} points here again, but .* could not be fetched back from Twilio: .+`,
        ),
      ),
    );
    await whenIdle(h);
    expect(await storedFrom(phone)).toEqual([]);
    expect(h.textsTo(phone)).toEqual([]);
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());
});

/** Another app a sender's webhook may point at: it takes the texts (answers empty TwiML) and keeps them. */
interface OtherApp {
  url: string;
  bodies(): string[];
  close(): Promise<void>;
}

async function anotherApp(): Promise<OtherApp> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(new URLSearchParams(body).get('Body') ?? '');
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    bodies: () => [...received],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
