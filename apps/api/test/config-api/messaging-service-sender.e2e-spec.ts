import {
  DEMO_ACCOUNT_SID,
  DEMO_AUTH_TOKEN,
  DEMO_MESSAGING_SERVICE_SID,
  DEMO_TENANT_ID,
} from '@sms-seq/sandbox';
import { type Browser, type ConfigApi, startConfigApi } from './support/config-api-harness';
import { aPublishableTool } from './support/tool-builder';

describe('publishing a tool whose sender is a messaging service', () => {
  let api: ConfigApi;
  let a: Browser;
  const service = () => api.sandbox.twilio.services.get(DEMO_MESSAGING_SERVICE_SID)!;
  const post = (url: string, body?: object) =>
    a.agent.post(url).set('x-csrf-token', a.csrf).send(body);

  /** A draft tool sending through `messagingServiceSid`. */
  const aServiceTool = async (
    keyword: string,
    messagingServiceSid = DEMO_MESSAGING_SERVICE_SID,
  ) => {
    const created = await post('/api/tools', { name: keyword }).expect(201);
    const draft = {
      ...aPublishableTool(keyword, keyword),
      sender: { kind: 'messaging_service', messagingServiceSid },
    };
    await a.agent
      .put(`/api/tools/${created.body.id}`)
      .set('x-csrf-token', a.csrf)
      .send({ draft, draftRevision: 1 })
      .expect(200);
    return created.body.id as string;
  };

  beforeAll(async () => {
    api = await startConfigApi();
    a = await api.signIn(DEMO_TENANT_ID);
    await a.agent
      .put('/api/twilio/connection')
      .set('x-csrf-token', a.csrf)
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN })
      .expect(200);
  });
  afterAll(() => api.close());

  it("points the service's inbound request URL and status callback at this app", async () => {
    expect(service().inboundRequestUrl).toBeNull();
    const id = await aServiceTool('SERVICE');
    const published = await post(`/api/tools/${id}/publish`).expect(201);
    expect(published.body).toMatchObject({ version: 1, warnings: [] });
    expect(service()).toEqual(
      expect.objectContaining({
        // With the connection overrides asking Twilio to retry, and the same URL as fallback.
        inboundRequestUrl: 'http://api.test.local/hooks/twilio/sms#rc=5&rp=5xx,ct,rt',
        fallbackUrl: 'http://api.test.local/hooks/twilio/sms#rc=5&rp=5xx,ct,rt',
        statusCallback: 'http://api.test.local/hooks/twilio/status',
        useInboundWebhookOnNumber: false,
      }),
    );
  });

  it('warns when sticky sender is off on the service', async () => {
    service().stickySender = false;
    try {
      const id = await aServiceTool('NOSTICKY');
      const published = await post(`/api/tools/${id}/publish`).expect(201);
      expect(published.body.warnings).toEqual([
        expect.objectContaining({
          path: ['sender'],
          severity: 'warning',
          code: 'sticky_sender_off',
          message: expect.stringMatching(/Turn on Sticky Sender/),
        }),
      ]);
    } finally {
      service().stickySender = true;
    }
  });

  it('refuses to publish, saying why, when the Twilio account has no such service', async () => {
    const id = await aServiceTool('MISSING', 'MG99999999999999999999999999999999');
    const refused = await post(`/api/tools/${id}/publish`).expect(422);
    expect(refused.body.error).toEqual({
      code: 'sender_not_in_twilio_account',
      message: expect.stringMatching(
        /^The messaging service MG9{32} is not in the Twilio account connected to this Keap app/,
      ),
    });
  });

  it('never puts a secret in a response or a log line', () => api.expectNoSecretsLeaked());

  it('answers only as the OpenAPI document says (status and schema)', () =>
    api.expectAnswersDocumented());
});
