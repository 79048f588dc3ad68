import request from 'supertest';
import {
  InvalidNumberError,
  NotMobileError,
  PermanentSendError,
  RateLimitedError,
  RecipientUnsubscribedError,
  TransientSendError,
  type OutgoingMessage,
} from '../../src/ports/sms-gateway.port';
import { TwilioSmsGateway, IDEMPOTENCY_KEY_PARAM } from '../../src/twilio/twilio-sms-gateway';
import { TwilioAuthError } from '../../src/twilio/twilio-auth.error';
import { isValidTwilioSignature } from '../../src/twilio/twilio-signature';
import { parseTwilioStatusCallback } from '../../src/twilio/twilio-delivery-status';
import {
  eventually,
  startSandbox,
  startWebhookReceiver,
  type RunningSandbox,
} from '../support/twilio-test-harness';

const CONTACT = '+14155550123';
const OTHER_CONTACT = '+14155550124';
const SENDER = '+14155550100';
const POOL_NUMBER = '+16175550111';
const SERVICE_SID = 'MG00000000000000000000000000000001';

describe('TwilioSmsGateway against the sandbox', () => {
  let running: RunningSandbox;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let gateway: TwilioSmsGateway;
  let authToken: string;
  let accountSid: string;

  /** A text to send, with overrides: tests read as "a message to X from Y". */
  const aMessage = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    to: CONTACT,
    sender: { kind: 'phone_number', phoneNumber: SENDER },
    body: 'Hi! What is your email address?',
    idempotencyKey: 'outbox-1',
    ...overrides,
  });

  beforeAll(async () => {
    running = await startSandbox();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await running.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await running.sandbox.twilio.whenIdle();
    running.sandbox.twilio.reset();
    receiver.received.length = 0;
    accountSid = running.sandbox.twilio.demoAccount.sid;
    authToken = running.sandbox.twilio.demoAccount.authToken;
    gateway = new TwilioSmsGateway({ accountSid, authToken }, { apiBaseUrl: running.url });
  });

  describe('connecting an account', () => {
    it('accepts the account SID and auth token', async () => {
      await expect(gateway.verifyCredentials()).resolves.toEqual(
        expect.objectContaining({ id: accountSid, status: 'active' }),
      );
    });

    it('accepts an API key and secret', async () => {
      const key = running.sandbox.twilio.demoAccount.apiKeys[0]!;
      const withKey = new TwilioSmsGateway(
        { accountSid, apiKeySid: key.sid, apiKeySecret: key.secret },
        { apiBaseUrl: running.url },
      );
      await expect(withKey.verifyCredentials()).resolves.toEqual(
        expect.objectContaining({ id: accountSid }),
      );
    });

    it('reports a wrong auth token as a TwilioAuthError', async () => {
      const wrong = new TwilioSmsGateway(
        { accountSid, authToken: 'not-the-token' },
        { apiBaseUrl: running.url },
      );
      await expect(wrong.verifyCredentials()).rejects.toBeInstanceOf(TwilioAuthError);
      await expect(wrong.listNumbers()).rejects.toBeInstanceOf(TwilioAuthError);
    });
  });

  describe('sending', () => {
    it('sends an SMS from a number and reports queued → sent → delivered to the status callback', async () => {
      const sent = await gateway.send(
        aMessage({ statusCallbackUrl: `${receiver.url}/webhooks/twilio/status` }),
      );

      expect(sent.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
      expect(sent.status).toBe('queued');
      const callbacks = await eventually(() => {
        const mine = receiver.received.filter(
          (r) => r.params.MessageSid === sent.providerMessageId,
        );
        return mine.length === 2 && mine;
      });
      expect(callbacks.map((c) => parseTwilioStatusCallback(c.params).status)).toEqual([
        'sent',
        'delivered',
      ]);
      for (const callback of callbacks) {
        expect(callback.originalUrl).toContain(`${IDEMPOTENCY_KEY_PARAM}=outbox-1`);
        expect(
          isValidTwilioSignature(
            authToken,
            receiver.url + callback.originalUrl,
            callback.params,
            callback.signature,
          ),
        ).toBe(true);
        expect(callback.params).toEqual(
          expect.objectContaining({ From: SENDER, To: CONTACT, AccountSid: accountSid }),
        );
      }
    });

    it('sends an MMS through a messaging service, which picks a pool number', async () => {
      const sent = await gateway.send(
        aMessage({
          sender: { kind: 'messaging_service', messagingServiceSid: SERVICE_SID },
          mediaUrls: ['https://example.com/a.jpg', 'https://example.com/b.png'],
          statusCallbackUrl: `${receiver.url}/webhooks/twilio/status`,
        }),
      );

      expect(sent.providerMessageId).toMatch(/^MM/);
      expect(sent.status).toBe('accepted');
      const callbacks = await eventually(() => {
        const mine = receiver.received.filter(
          (r) => r.params.MessageSid === sent.providerMessageId,
        );
        return mine.length === 3 && mine;
      });
      expect(callbacks.map((c) => c.params.MessageStatus)).toEqual(['queued', 'sent', 'delivered']);
      expect(callbacks[2]!.params).toEqual(
        expect.objectContaining({ From: POOL_NUMBER, MessagingServiceSid: SERVICE_SID }),
      );
      const stored = running.sandbox.twilio.messages.find((m) => m.sid === sent.providerMessageId);
      expect(stored?.mediaUrls).toEqual(['https://example.com/a.jpg', 'https://example.com/b.png']);
    });

    it('reports a delivery failure with Twilio’s error code as a domain reason', async () => {
      await request(running.sandbox.app)
        .put('/sandbox/twilio/undeliverable')
        .send({ numbers: { [OTHER_CONTACT]: { errorCode: 30006, status: 'undelivered' } } })
        .expect(200);

      const sent = await gateway.send(
        aMessage({ to: OTHER_CONTACT, statusCallbackUrl: `${receiver.url}/status` }),
      );

      const last = await eventually(() =>
        receiver.received.find(
          (r) =>
            r.params.MessageSid === sent.providerMessageId &&
            r.params.MessageStatus === 'undelivered',
        ),
      );
      expect(parseTwilioStatusCallback(last.params).failure).toEqual({
        reason: 'not-mobile',
        providerCode: 30006,
      });
    });
  });

  describe('send failures, in the product’s words', () => {
    it('rejects an unparseable number as invalid without calling Twilio', async () => {
      await expect(gateway.send(aMessage({ to: 'call me maybe' }))).rejects.toBeInstanceOf(
        InvalidNumberError,
      );
      expect(running.sandbox.twilio.requestLog).toHaveLength(0);
    });

    it('reports a number Twilio refuses as invalid (21211) as InvalidNumberError', async () => {
      // A number the product's own normaliser accepts: only Twilio's answer makes it invalid.
      await request(running.sandbox.app)
        .put('/sandbox/twilio/invalid-numbers')
        .send({ numbers: [OTHER_CONTACT] })
        .expect(200);

      const failure = await gateway.send(aMessage({ to: OTHER_CONTACT })).catch((e: unknown) => e);

      expect(failure).toBeInstanceOf(InvalidNumberError);
      expect(failure).toEqual(expect.objectContaining({ providerCode: 21211, retryable: false }));
      expect(running.sandbox.twilio.requestLog).toHaveLength(1);
    });

    it('reports a landline as not mobile (21614)', async () => {
      await request(running.sandbox.app)
        .put('/sandbox/twilio/landlines')
        .send({ numbers: [OTHER_CONTACT] })
        .expect(200);

      const failure = await gateway.send(aMessage({ to: OTHER_CONTACT })).catch((e: unknown) => e);

      expect(failure).toBeInstanceOf(NotMobileError);
      expect(failure).toEqual(expect.objectContaining({ providerCode: 21614, retryable: false }));
    });

    it('refuses to text a phone that texted STOP (21610), until it texts START', async () => {
      await request(running.sandbox.app)
        .post('/sandbox/twilio/inbound')
        .send({ from: CONTACT, to: SENDER, body: ' stop ' })
        .expect(201);

      const failure = await gateway.send(aMessage()).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RecipientUnsubscribedError);
      expect(failure).toEqual(expect.objectContaining({ providerCode: 21610 }));

      await request(running.sandbox.app)
        .post('/sandbox/twilio/inbound')
        .send({ from: CONTACT, to: SENDER, body: 'START' })
        .expect(201);
      await expect(gateway.send(aMessage())).resolves.toEqual(
        expect.objectContaining({ status: 'queued' }),
      );
    });

    it('reports a per-sender rate limit as rate limited (429), retryable', async () => {
      await request(running.sandbox.app)
        .put('/sandbox/twilio/failures')
        .send({ senderRateLimit: { limit: 1, windowMs: 60_000 } })
        .expect(200);

      await gateway.send(aMessage());
      const failure = await gateway
        .send(aMessage({ idempotencyKey: 'outbox-2' }))
        .catch((e: unknown) => e);

      expect(failure).toBeInstanceOf(RateLimitedError);
      expect(failure).toEqual(expect.objectContaining({ providerCode: 20429, retryable: true }));
    });

    it('reports a Twilio 5xx as transient, and the next send goes through', async () => {
      await request(running.sandbox.app)
        .put('/sandbox/twilio/failures')
        .send({ failNextSends: 1, status: 503 })
        .expect(200);

      const failure = await gateway.send(aMessage()).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TransientSendError);
      expect(failure).toEqual(expect.objectContaining({ retryable: true }));

      await expect(gateway.send(aMessage())).resolves.toEqual(
        expect.objectContaining({ status: 'queued' }),
      );
    });

    it('reports an unreachable Twilio as transient', async () => {
      const closed = new TwilioSmsGateway(
        { accountSid, authToken },
        { apiBaseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 },
      );
      await expect(closed.send(aMessage())).rejects.toBeInstanceOf(TransientSendError);
    });

    it('reports a region that is not enabled (21408) as permanent', async () => {
      const failure = await gateway
        .send(aMessage({ to: '+442079460958' }))
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(PermanentSendError);
      expect(failure).toEqual(expect.objectContaining({ providerCode: 21408, retryable: false }));
    });
  });

  describe('line type (Lookup v2)', () => {
    it('tells mobile from landline and invalid', async () => {
      await request(running.sandbox.app)
        .put('/sandbox/twilio/landlines')
        .send({ numbers: [OTHER_CONTACT] })
        .expect(200);

      await expect(gateway.checkLineType(CONTACT)).resolves.toEqual({
        phoneNumber: CONTACT,
        lineType: 'mobile',
        isMobile: true,
      });
      await expect(gateway.checkLineType(OTHER_CONTACT)).resolves.toEqual({
        phoneNumber: OTHER_CONTACT,
        lineType: 'landline',
        isMobile: false,
      });
      await expect(gateway.checkLineType('12345')).resolves.toEqual({
        phoneNumber: null,
        lineType: 'invalid',
        isMobile: false,
      });
    });
  });

  describe('texts a number received (fetching back texts whose webhook was refused)', () => {
    const inbound = (from: string, to: string, body: string, mediaUrls?: string[]) =>
      running.sandbox.twilio.receiveInbound({ from, to, body, mediaUrls });

    it('lists the contacts’ texts to the number since a time, oldest first, with their pictures and service', async () => {
      const old = await inbound(CONTACT, POOL_NUMBER, 'Long ago');
      old.message.dateSent = new Date(Date.now() - 3_600_000);
      const since = new Date();
      const first = await inbound(CONTACT, POOL_NUMBER, 'BLUE');
      await gateway.send(
        aMessage({ to: CONTACT, sender: { kind: 'phone_number', phoneNumber: POOL_NUMBER } }),
      );
      await inbound(CONTACT, SENDER, 'to another number');
      const picture = await inbound(OTHER_CONTACT, POOL_NUMBER, 'Look', [
        'https://example.com/cat.png',
      ]);

      const received = await gateway.listReceived(POOL_NUMBER, since);

      expect(received.map((t) => t.body)).toEqual(['BLUE', 'Look']);
      expect(received[0]).toEqual({
        providerMessageId: first.message.sid,
        from: CONTACT,
        to: POOL_NUMBER,
        body: 'BLUE',
        messagingServiceId: SERVICE_SID,
        mediaUrls: [],
        receivedAt: expect.any(Date),
      });
      expect(received[1]).toEqual(
        expect.objectContaining({
          providerMessageId: picture.message.sid,
          from: OTHER_CONTACT,
          mediaUrls: [
            expect.stringMatching(
              new RegExp(
                `^https://api\\.twilio\\.com/2010-04-01/Accounts/${accountSid}/Messages/${picture.message.sid}/Media/ME[0-9a-f]{32}$`,
              ),
            ),
          ],
        }),
      );
      const listing = running.sandbox.twilio.requestLog.find(
        (r) => r.method === 'GET' && r.path.endsWith('/Messages.json'),
      );
      expect(listing?.query).toEqual(
        expect.objectContaining({ To: POOL_NUMBER, 'DateSent>': expect.any(String) }),
      );
    });
  });

  describe('numbers and messaging services', () => {
    it('lists the account’s numbers and its messaging services with their pools', async () => {
      const numbers = await gateway.listNumbers();
      expect(numbers.map((n) => n.phoneNumber)).toEqual(
        expect.arrayContaining([SENDER, '+12125550142', '+18885550199', POOL_NUMBER]),
      );
      expect(numbers[0]).toEqual(
        expect.objectContaining({ capabilities: { sms: true, mms: true } }),
      );

      const services = await gateway.listMessagingServices();
      expect(services).toEqual([
        expect.objectContaining({
          id: SERVICE_SID,
          stickySender: true,
          phoneNumbers: [POOL_NUMBER],
        }),
      ]);
    });

    it('lists every number when the account has more than one page of them (next_page_uri)', async () => {
      const extra = Array.from({ length: 60 }, (_, i) => `+1208555${String(1000 + i)}`);
      for (const phoneNumber of extra)
        await request(running.sandbox.app)
          .post('/sandbox/twilio/numbers')
          .send({ phoneNumber })
          .expect(201);

      const numbers = await gateway.listNumbers();

      expect(numbers.map((n) => n.phoneNumber)).toEqual(
        expect.arrayContaining([SENDER, POOL_NUMBER, ...extra]),
      );
      expect(numbers).toHaveLength(4 + extra.length);
      const pages = running.sandbox.twilio.requestLog.filter((r) =>
        r.path.endsWith('/IncomingPhoneNumbers.json'),
      );
      expect(pages.map((r) => r.query.Page ?? '0')).toEqual(['0', '1']);
    });

    it('searches local numbers by area code and toll-free numbers', async () => {
      const local = await gateway.searchAvailableNumbers({
        country: 'US',
        kind: 'local',
        areaCode: '312',
      });
      expect(local.map((n) => n.phoneNumber)).toEqual(['+13125550190']);
      expect(local[0]).toEqual(expect.objectContaining({ locality: 'Chicago', region: 'IL' }));

      const tollFree = await gateway.searchAvailableNumbers({ country: 'US', kind: 'toll-free' });
      expect(tollFree.map((n) => n.phoneNumber)).toEqual(['+18005550100']);
    });

    it('buys a number with its webhook set, and it is then the account’s', async () => {
      const bought = await gateway.buyNumber('+13125550190', {
        smsUrl: `${receiver.url}/webhooks/twilio/sms`,
      });

      expect(bought).toEqual(
        expect.objectContaining({
          phoneNumber: '+13125550190',
          inboundWebhookUrl: `${receiver.url}/webhooks/twilio/sms`,
        }),
      );
      expect((await gateway.listNumbers()).map((n) => n.phoneNumber)).toContain('+13125550190');
      expect(
        await gateway.searchAvailableNumbers({ country: 'US', kind: 'local', areaCode: '312' }),
      ).toEqual([]);
    });

    it('points a messaging service’s inbound requests at the app: texts to its pool numbers arrive there signed', async () => {
      const smsUrl = `${receiver.url}/webhooks/twilio/service-sms`;
      const statusCallbackUrl = `${receiver.url}/webhooks/twilio/status`;
      const service = await gateway.connectMessagingService(SERVICE_SID, {
        smsUrl,
        statusCallbackUrl,
      });
      expect(service).toEqual(
        expect.objectContaining({
          id: SERVICE_SID,
          inboundWebhookUrl: smsUrl,
          phoneNumbers: [POOL_NUMBER],
        }),
      );
      expect((await gateway.listMessagingServices())[0]?.inboundWebhookUrl).toBe(smsUrl);
      expect(running.sandbox.twilio.services.get(SERVICE_SID)).toEqual(
        expect.objectContaining({
          inboundRequestUrl: smsUrl,
          statusCallback: statusCallbackUrl,
          useInboundWebhookOnNumber: false,
        }),
      );

      await request(running.sandbox.app)
        .post('/sandbox/twilio/inbound')
        .send({ from: CONTACT, to: POOL_NUMBER, body: 'BLUE' })
        .expect(201);
      const inbound = await eventually(() =>
        receiver.received.find((r) => r.path === '/webhooks/twilio/service-sms'),
      );
      expect(inbound.params).toEqual(
        expect.objectContaining({
          From: CONTACT,
          To: POOL_NUMBER,
          Body: 'BLUE',
          MessagingServiceSid: SERVICE_SID,
        }),
      );
      expect(isValidTwilioSignature(authToken, smsUrl, inbound.params, inbound.signature)).toBe(
        true,
      );
    });

    it('points a number’s inbound webhook at the app, and texts then arrive there signed', async () => {
      const number = (await gateway.listNumbers()).find((n) => n.phoneNumber === SENDER)!;
      const smsUrl = `${receiver.url}/webhooks/twilio/sms`;

      const connected = await gateway.connectInboundWebhook(number.id, {
        smsUrl,
        statusCallbackUrl: `${receiver.url}/webhooks/twilio/status`,
      });
      expect(connected).toEqual(
        expect.objectContaining({
          inboundWebhookUrl: smsUrl,
          statusCallbackUrl: `${receiver.url}/webhooks/twilio/status`,
        }),
      );
      expect(running.sandbox.twilio.numberByPhone(SENDER)?.smsMethod).toBe('POST');

      await request(running.sandbox.app)
        .post('/sandbox/twilio/inbound')
        .send({ from: CONTACT, to: SENDER, body: 'BLUE' })
        .expect(201);
      const inbound = await eventually(() =>
        receiver.received.find((r) => r.path === '/webhooks/twilio/sms'),
      );
      expect(inbound.params).toEqual(
        expect.objectContaining({ From: CONTACT, To: SENDER, Body: 'BLUE', NumMedia: '0' }),
      );
      expect(isValidTwilioSignature(authToken, smsUrl, inbound.params, inbound.signature)).toBe(
        true,
      );
    });
  });
});
