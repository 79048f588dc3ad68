import { loadTwilioContract, twilioSpecsDir, type TwilioContract } from '@sms-seq/sandbox/contract';
import request from 'supertest';
import { TwilioSmsGateway } from '../../src/twilio/twilio-sms-gateway';
import { startSandbox, type RunningSandbox } from '../support/twilio-test-harness';

const specsDir = twilioSpecsDir();
if (!specsDir)
  console.warn(
    'Twilio adapter contract test skipped: official specs not found (set API_SPECS_DIR).',
  );
const describeWithSpecs = specsDir ? describe : describe.skip;

describeWithSpecs('every request the Twilio adapter sends follows Twilio’s official specs', () => {
  let contract: TwilioContract;
  let running: RunningSandbox;

  beforeAll(async () => {
    contract = await loadTwilioContract(specsDir!);
    running = await startSandbox();
  });
  afterAll(() => running.close());

  it('covers connect, send (number and service, SMS and MMS), find a sent text, texts received (with pictures), lookup, numbers (two pages), services, search, buy and webhook set-up (numbers and services)', async () => {
    const { sid: accountSid, authToken } = running.sandbox.twilio.demoAccount;
    const gateway = new TwilioSmsGateway({ accountSid, authToken }, { apiBaseUrl: running.url });
    const hook = {
      // As the app points senders: connection overrides in the fragment, and a fallback URL.
      smsUrl: 'https://app.example.com/webhooks/twilio/sms#rc=5&rp=5xx,ct,rt',
      smsFallbackUrl: 'https://app.example.com/webhooks/twilio/sms#rc=5&rp=5xx,ct,rt',
      statusCallbackUrl: 'https://app.example.com/webhooks/twilio/status',
    };

    await gateway.verifyCredentials();
    await gateway.send({
      to: '+14155550123',
      sender: { kind: 'phone_number', phoneNumber: '+14155550100' },
      body: 'Hi',
      statusCallbackUrl: hook.statusCallbackUrl,
      idempotencyKey: 'k1',
    });
    await gateway.send({
      to: '+14155550123',
      sender: {
        kind: 'messaging_service',
        messagingServiceSid: 'MG00000000000000000000000000000001',
      },
      body: 'Look',
      mediaUrls: ['https://example.com/a.jpg', 'https://example.com/b.jpg'],
      idempotencyKey: 'k2',
    });
    await gateway.findSent(
      {
        to: '+14155550123',
        sender: { kind: 'phone_number', phoneNumber: '+14155550100' },
        body: 'Hi',
      },
      new Date(Date.now() - 60_000),
    );
    await running.sandbox.twilio.receiveInbound({
      from: '+14155550123',
      to: '+14155550100',
      body: 'Look',
      mediaUrls: ['https://example.com/a.jpg'],
    });
    await gateway.listReceived('+14155550100', new Date(Date.now() - 60_000));
    await gateway.checkLineType('+14155550123');
    // More than one page of numbers, so the SDK follows next_page_uri (Page, PageToken) too.
    for (let i = 0; i < 50; i += 1)
      await request(running.sandbox.app)
        .post('/sandbox/twilio/numbers')
        .send({ phoneNumber: `+1208555${String(2000 + i)}` })
        .expect(201);
    const numbers = await gateway.listNumbers();
    await gateway.listMessagingServices();
    await gateway.searchAvailableNumbers({
      country: 'US',
      kind: 'local',
      areaCode: '312',
      contains: '555',
    });
    await gateway.searchAvailableNumbers({ country: 'US', kind: 'toll-free' });
    await gateway.buyNumber('+13105550154', hook);
    await gateway.connectInboundWebhook(numbers[0]!.id, hook);
    await gateway.connectMessagingService('MG00000000000000000000000000000001', hook);

    const sent = running.sandbox.twilio.requestLog;
    const operations = sent.map((r) => contract.operationOf(r));
    expect(operations).toEqual(
      expect.arrayContaining([
        'FetchAccount',
        'CreateMessage',
        'ListMessage',
        'ListMedia',
        'ListIncomingPhoneNumber',
        'CreateIncomingPhoneNumber',
        'UpdateIncomingPhoneNumber',
        'ListAvailablePhoneNumberLocal',
        'ListAvailablePhoneNumberTollFree',
        'ListService',
        'ListPhoneNumber',
        'FetchPhoneNumber',
        'UpdateService',
      ]),
    );
    expect(sent.some((r) => r.query.PageToken !== undefined)).toBe(true);
    expect(sent.flatMap((r) => contract.requestProblems(r))).toEqual([]);
  });
});
