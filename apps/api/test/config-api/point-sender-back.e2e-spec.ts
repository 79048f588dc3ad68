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

  const APP_SMS_URL = 'http://api.test.local/hooks/twilio/sms';
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
    });
    expect(sandboxNumber(NUMBER_SID)).toMatchObject({
      smsUrl: APP_SMS_URL,
      smsMethod: 'POST',
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

  it('answers 404 saying so for a SID Twilio does not know, and 400 naming sid for one that is not a SID', async () => {
    const unknown = await pointHere(a, UNKNOWN_SID).expect(404);
    expect(unknown.body.error.message).toMatch(
      /^Twilio has no phone number PN9{32} on the connected Twilio account: it may have been released/,
    );
    const malformed = await pointHere(a, 'not-a-sid').expect(400);
    expect(malformed.body.error).toMatchObject({
      code: 'invalid_input',
      message: 'sid: must be a Twilio phone number SID (PN followed by 32 hex digits)',
    });
    const service = await post(a, '/api/twilio/messaging-services/PN1/point-here').expect(400);
    expect(service.body.error.message).toMatch(/^sid: must be a Twilio messaging service SID/);
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
        message: expect.stringMatching(/^Twilio could not do that: /),
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
