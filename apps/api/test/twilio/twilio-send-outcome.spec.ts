import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import twilio from 'twilio';
import {
  SendOutcomeUnknownError,
  TransientSendError,
  type OutgoingMessage,
} from '../../src/ports/sms-gateway.port';
import { loadTwilioContract, twilioSpecsDir } from '@sms-seq/sandbox/contract';
import { toGatewayError } from '../../src/twilio/twilio-error-map';
import { TwilioSmsGateway } from '../../src/twilio/twilio-sms-gateway';
import { startSandbox, type RunningSandbox } from '../support/twilio-test-harness';

const CONTACT = '+14155550123';
const SENDER = '+14155550100';
const SERVICE_SID = 'MG00000000000000000000000000000001';

/**
 * A send either did not reach Twilio (it can be sent again), or may have (it must be looked up
 * before it is sent again): the difference between a text sent once and a text sent twice.
 */
describe('Twilio sends: not sent, or outcome unknown', () => {
  let running: RunningSandbox;
  let gateway: TwilioSmsGateway;

  const aMessage = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    to: CONTACT,
    sender: { kind: 'phone_number', phoneNumber: SENDER },
    body: 'What is your email address?',
    idempotencyKey: 'message-1',
    ...overrides,
  });
  const dropNextAnswer = (afterApplying: boolean) =>
    request(running.sandbox.app)
      .post('/sandbox/twilio/faults')
      .send({ count: 1, afterApplying })
      .expect(200);
  const outbound = () =>
    running.sandbox.twilio.messages.filter((m) => m.direction === 'outbound-api');

  beforeAll(async () => {
    running = await startSandbox();
  });
  afterAll(() => running.close());
  beforeEach(async () => {
    await running.sandbox.twilio.whenIdle();
    running.sandbox.twilio.reset();
    const { sid: accountSid, authToken } = running.sandbox.twilio.demoAccount;
    gateway = new TwilioSmsGateway({ accountSid, authToken }, { apiBaseUrl: running.url });
  });

  it('a connection refused is "not sent" (Twilio never saw the request)', async () => {
    const closed = new TwilioSmsGateway(
      { accountSid: 'AC1', authToken: 'x' },
      { apiBaseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 },
    );
    const failure = await closed.send(aMessage()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransientSendError);
    expect(failure).not.toBeInstanceOf(SendOutcomeUnknownError);
  });

  it('an answer from Twilio refusing the request is "not sent" (500 with its error code)', () => {
    const answer = new twilio.RestException({
      statusCode: 500,
      body: { code: 20500, message: 'Internal Server Error' },
    });
    expect(toGatewayError(answer)).toBeInstanceOf(TransientSendError);
    expect(toGatewayError(answer)).not.toBeInstanceOf(SendOutcomeUnknownError);
  });

  it('a gateway timeout without Twilio’s answer (502/504, no code) is "unknown"', () => {
    const answer = new twilio.RestException({ statusCode: 504, body: '' });
    expect(toGatewayError(answer)).toBeInstanceOf(SendOutcomeUnknownError);
  });

  it('no answer in time is "unknown"', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const slow = new TwilioSmsGateway(
        { accountSid: 'AC1', authToken: 'x' },
        {
          apiBaseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
          timeoutMs: 300,
        },
      );
      await expect(slow.send(aMessage())).rejects.toBeInstanceOf(SendOutcomeUnknownError);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('Twilio took the message and the answer was lost: "unknown", and findSent finds it', async () => {
    const claimedAt = new Date();
    await gateway.send(aMessage({ body: 'An earlier text' }));
    await dropNextAnswer(true);

    const failure = await gateway.send(aMessage()).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(SendOutcomeUnknownError);
    const taken = outbound().find((m) => m.body === 'What is your email address?');
    expect(taken).toBeDefined();
    await expect(gateway.findSent(aMessage(), claimedAt)).resolves.toEqual([
      expect.objectContaining({ providerMessageId: taken!.sid }),
    ]);
  });

  it('the connection was dropped before Twilio took it: "unknown", and findSent finds nothing', async () => {
    const claimedAt = new Date();
    await dropNextAnswer(false);

    const failure = await gateway.send(aMessage()).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(SendOutcomeUnknownError);
    expect(outbound()).toEqual([]);
    await expect(gateway.findSent(aMessage(), claimedAt)).resolves.toEqual([]);
  });

  it('findSent keeps only this sender’s outbound texts with this body, oldest first', async () => {
    const claimedAt = new Date();
    const first = await gateway.send(aMessage());
    const second = await gateway.send(aMessage());
    await gateway.send(aMessage({ body: 'Something else' }));
    await gateway.send(aMessage({ sender: { kind: 'phone_number', phoneNumber: '+12125550142' } }));
    await request(running.sandbox.app)
      .post('/sandbox/twilio/inbound')
      .send({ from: CONTACT, to: SENDER, body: 'What is your email address?' })
      .expect(201);

    await expect(gateway.findSent(aMessage(), claimedAt)).resolves.toEqual([
      expect.objectContaining({ providerMessageId: first.providerMessageId }),
      expect.objectContaining({ providerMessageId: second.providerMessageId }),
    ]);
    // Created well before the claim (beyond the clock margin): not this send.
    await expect(
      gateway.findSent(aMessage(), new Date(claimedAt.getTime() + 3_600_000)),
    ).resolves.toEqual([]);
  });

  (twilioSpecsDir() ? it : it.skip)(
    'findSent’s request follows Twilio’s spec (ListMessage)',
    async () => {
      const contract = await loadTwilioContract(twilioSpecsDir()!);
      await gateway.findSent(aMessage(), new Date());
      const [listing] = running.sandbox.twilio.requestLog;
      expect(contract.operationOf(listing!)).toBe('ListMessage');
      expect(contract.requestProblems(listing!)).toEqual([]);
    },
  );

  it('findSent matches a messaging service’s texts by the service', async () => {
    const claimedAt = new Date();
    const viaService = aMessage({
      sender: { kind: 'messaging_service', messagingServiceSid: SERVICE_SID },
    });
    await dropNextAnswer(true);
    await expect(gateway.send(viaService)).rejects.toBeInstanceOf(SendOutcomeUnknownError);
    await gateway.send(aMessage());

    const found = await gateway.findSent(viaService, claimedAt);

    expect(found).toHaveLength(1);
    const sent = outbound().find((m) => m.sid === found[0]!.providerMessageId);
    expect(sent?.messagingServiceSid).toBe(SERVICE_SID);
  });
});
