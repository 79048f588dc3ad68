import request from 'supertest';
import { createSandbox, type Sandbox } from '../app';
import { loadTwilioContract, twilioSpecsDir, type TwilioContract } from './twilio-contract';

const specsDir = twilioSpecsDir();
if (!specsDir)
  console.warn('Twilio contract tests skipped: official specs not found (set API_SPECS_DIR).');
const describeWithSpecs = specsDir ? describe : describe.skip;

const PHONE = '+14155550123';
const NUMBER = '+14155550100';
const SERVICE = 'MG00000000000000000000000000000001';

/** Each request the product makes to Twilio, as the SDK sends it (form bodies, Twilio's query names). */
type Call = {
  name: string;
  method: 'GET' | 'POST';
  path: (sid: string) => string;
  form?: Record<string, unknown> | string;
};

const calls: Call[] = [
  {
    name: 'fetch the account (Connect Twilio)',
    method: 'GET',
    path: (sid) => `/2010-04-01/Accounts/${sid}.json`,
  },
  {
    name: 'send an SMS from a number with a status callback',
    method: 'POST',
    path: (sid) => `/2010-04-01/Accounts/${sid}/Messages.json`,
    form: {
      To: PHONE,
      From: NUMBER,
      Body: 'Hi!',
      StatusCallback: 'https://app.example.com/webhooks/twilio/status?idempotencyKey=k1',
    },
  },
  {
    name: 'send an MMS through a messaging service',
    method: 'POST',
    path: (sid) => `/2010-04-01/Accounts/${sid}/Messages.json`,
    form: `To=${encodeURIComponent(PHONE)}&MessagingServiceSid=${SERVICE}&Body=Look&MediaUrl=${encodeURIComponent('https://example.com/a.jpg')}&MediaUrl=${encodeURIComponent('https://example.com/b.jpg')}`,
  },
  {
    name: 'list messages (paged)',
    method: 'GET',
    path: (sid) => `/2010-04-01/Accounts/${sid}/Messages.json?PageSize=1`,
  },
  {
    name: 'list incoming numbers',
    method: 'GET',
    path: (sid) => `/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json?PageSize=50`,
  },
  {
    name: 'point a number’s inbound webhook at the app',
    method: 'POST',
    path: (sid) =>
      `/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers/PN00000000000000000000000000000001.json`,
    form: {
      SmsUrl: 'https://app.example.com/webhooks/twilio/sms',
      SmsMethod: 'POST',
      StatusCallback: 'https://app.example.com/webhooks/twilio/status',
    },
  },
  {
    name: 'search local numbers',
    method: 'GET',
    path: (sid) =>
      `/2010-04-01/Accounts/${sid}/AvailablePhoneNumbers/US/Local.json?AreaCode=312&SmsEnabled=true&PageSize=20`,
  },
  {
    name: 'search toll-free numbers',
    method: 'GET',
    path: (sid) =>
      `/2010-04-01/Accounts/${sid}/AvailablePhoneNumbers/US/TollFree.json?SmsEnabled=true&PageSize=20`,
  },
  {
    name: 'buy a number',
    method: 'POST',
    path: (sid) => `/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`,
    form: {
      PhoneNumber: '+13105550154',
      SmsUrl: 'https://app.example.com/webhooks/twilio/sms',
      SmsMethod: 'POST',
    },
  },
  { name: 'list messaging services', method: 'GET', path: () => '/v1/Services?PageSize=50' },
  {
    name: 'point a messaging service’s inbound requests at the app',
    method: 'POST',
    path: () => `/v1/Services/${SERVICE}`,
    form: {
      InboundRequestUrl: 'https://app.example.com/webhooks/twilio/sms',
      InboundMethod: 'POST',
      StatusCallback: 'https://app.example.com/webhooks/twilio/status',
      UseInboundWebhookOnNumber: 'false',
    },
  },
  {
    name: 'list a messaging service’s numbers',
    method: 'GET',
    path: () => `/v1/Services/${SERVICE}/PhoneNumbers?PageSize=50`,
  },
  {
    name: 'look up a mobile number',
    method: 'GET',
    path: () => `/v2/PhoneNumbers/${encodeURIComponent(PHONE)}?Fields=line_type_intelligence`,
  },
  {
    name: 'look up a landline',
    method: 'GET',
    path: () =>
      `/v2/PhoneNumbers/${encodeURIComponent('+13125550111')}?Fields=line_type_intelligence`,
  },
  {
    name: 'look up something that is not a number',
    method: 'GET',
    path: () => '/v2/PhoneNumbers/12345?Fields=line_type_intelligence',
  },
];

describeWithSpecs('the Twilio stand-in against Twilio’s official OpenAPI specs', () => {
  let contract: TwilioContract;
  let sandbox: Sandbox;
  let auth: string;

  beforeAll(async () => {
    contract = await loadTwilioContract(specsDir!);
    sandbox = createSandbox({ publicUrl: 'http://127.0.0.1:4010' });
    const account = sandbox.twilio.demoAccount;
    auth = 'Basic ' + Buffer.from(`${account.sid}:${account.authToken}`).toString('base64');
  });
  afterAll(() => sandbox.twilio.whenIdle());

  it.each(calls.map((c) => [c.name, c] as const))(
    '%s: request and response follow the spec',
    async (_name, call) => {
      sandbox.twilio.requestLog = [];
      const url = call.path(sandbox.twilio.demoAccount.sid);
      const req =
        call.method === 'GET'
          ? request(sandbox.app).get(url)
          : request(sandbox.app)
              .post(url)
              .type('form')
              .send(call.form ?? {});
      const res = await req.set('Authorization', auth);

      expect(res.status).toBeLessThan(300);
      const recorded = sandbox.twilio.requestLog[0]!;
      expect(contract.operationOf(recorded)).toBeDefined();
      expect(contract.requestProblems(recorded)).toEqual([]);
      expect(contract.responseProblems(recorded, res.status, res.body)).toEqual([]);
    },
  );

  it('would catch a drift: a response that breaks the spec is reported', () => {
    const path = `/2010-04-01/Accounts/${sandbox.twilio.demoAccount.sid}/Messages.json`;
    expect(
      contract.responseProblems({ method: 'POST', path }, 201, {
        sid: 'SM1',
        status: 'teleported',
      }),
    ).not.toEqual([]);
    expect(
      contract.requestProblems({ method: 'POST', path, query: {}, body: { Body: 'no To' } }),
    ).not.toEqual([]);
    expect(
      contract.requestProblems({
        method: 'GET',
        path: '/2010-04-01/Nowhere.json',
        query: {},
        body: {},
      }),
    ).not.toEqual([]);
  });
});
