import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import twilio from 'twilio';
import { createSandbox, type Sandbox } from '../app';

const PHONE = '+14155550123';
const NUMBER = '+14155550100';
const POOL_NUMBER = '+16175550111';
const SERVICE = 'MG00000000000000000000000000000001';

interface Hook {
  path: string;
  params: Record<string, string>;
  signature: string | undefined;
}

/** The app's side of the webhooks: records them and answers with the TwiML a test sets. */
async function startApp(): Promise<{
  url: string;
  hooks: Hook[];
  twiml: { value: string };
  close(): Promise<void>;
}> {
  const hooks: Hook[] = [];
  const twiml = { value: '<Response/>' };
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/{*path}', (req, res) => {
    hooks.push({
      path: req.path,
      params: req.body as Record<string, string>,
      signature: req.header('x-twilio-signature'),
    });
    res.type('text/xml').send(twiml.value);
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hooks,
    twiml,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('the Twilio stand-in', () => {
  let sandbox: Sandbox;
  let app: Awaited<ReturnType<typeof startApp>>;
  const auth = () => {
    const account = sandbox.twilio.demoAccount;
    return 'Basic ' + Buffer.from(`${account.sid}:${account.authToken}`).toString('base64');
  };
  const text = (body: string, extra: Record<string, unknown> = {}, from = PHONE, to = NUMBER) =>
    request(sandbox.app)
      .post('/sandbox/twilio/inbound')
      .send({ from, to, body, ...extra });

  beforeAll(async () => {
    sandbox = createSandbox({ publicUrl: 'http://127.0.0.1:4010' });
    app = await startApp();
  });
  afterAll(async () => {
    await sandbox.twilio.whenIdle();
    await app.close();
  });
  beforeEach(async () => {
    await sandbox.twilio.whenIdle();
    sandbox.twilio.reset();
    app.hooks.length = 0;
    app.twiml.value = '<Response/>';
    sandbox.twilio.numberByPhone(NUMBER)!.smsUrl = `${app.url}/sms`;
    sandbox.twilio.numberByPhone(POOL_NUMBER)!.smsUrl = `${app.url}/pool-sms`;
  });

  it('posts an inbound text with every standard parameter and a valid signature', async () => {
    const res = await text('Hello there', { mediaUrls: ['https://example.com/cat.png'] }).expect(
      201,
    );

    expect(res.body.deliveries).toEqual([expect.objectContaining({ responseStatus: 200 })]);
    const hook = app.hooks[0]!;
    expect(hook.params).toEqual(
      expect.objectContaining({
        MessageSid: res.body.message.sid,
        SmsSid: res.body.message.sid,
        SmsMessageSid: res.body.message.sid,
        AccountSid: sandbox.twilio.demoAccount.sid,
        From: PHONE,
        To: NUMBER,
        Body: 'Hello there',
        NumMedia: '1',
        NumSegments: '1',
        MediaUrl0: 'https://example.com/cat.png',
        MediaContentType0: 'image/png',
        FromCountry: 'US',
        ToCity: 'San Francisco',
        ToState: 'CA',
        ToZip: '94105',
        ToCountry: 'US',
        ApiVersion: '2010-04-01',
        SmsStatus: 'received',
      }),
    );
    expect(Object.keys(hook.params)).toEqual(
      expect.arrayContaining(['FromCity', 'FromState', 'FromZip']),
    );
    expect(
      twilio.validateRequest(
        sandbox.twilio.demoAccount.authToken,
        hook.signature!,
        `${app.url}/sms`,
        hook.params,
      ),
    ).toBe(true);
  });

  it('unsubscribes on any standard opt-out word and fails later sends with 21610 as Twilio does', async () => {
    for (const word of [
      'STOP',
      'stopall',
      'Unsubscribe',
      'cancel',
      'END',
      'quit',
      'optout',
      'REVOKE',
    ]) {
      sandbox.twilio.reset();
      await text(` ${word} `).expect(201);
      const res = await request(sandbox.app)
        .post(`/2010-04-01/Accounts/${sandbox.twilio.demoAccount.sid}/Messages.json`)
        .set('Authorization', auth())
        .type('form')
        .send({ To: PHONE, From: NUMBER, Body: 'Still there?' });
      expect({ word, status: res.status, body: res.body }).toEqual({
        word,
        status: 400,
        body: {
          code: 21610,
          message: 'Attempt to send to unsubscribed recipient',
          more_info: 'https://www.twilio.com/docs/errors/21610',
          status: 400,
        },
      });
    }
  });

  it('keeps opt-outs per sender: another number can still text the phone', async () => {
    await text('STOP').expect(201);
    await request(sandbox.app)
      .post(`/2010-04-01/Accounts/${sandbox.twilio.demoAccount.sid}/Messages.json`)
      .set('Authorization', auth())
      .type('form')
      .send({ To: PHONE, From: '+12125550142', Body: 'Hi' })
      .expect(201);
  });

  it('with Advanced Opt-Out, adds OptOutType and answers STOP/START/HELP with Twilio’s confirmation', async () => {
    await text('STOP', {}, PHONE, POOL_NUMBER).expect(201);
    await text('help', {}, PHONE, POOL_NUMBER).expect(201);
    await text('Yes', {}, PHONE, POOL_NUMBER).expect(201);

    expect(app.hooks.map((h) => h.params.OptOutType)).toEqual(['STOP', 'HELP', 'START']);
    expect(app.hooks.every((h) => h.params.MessagingServiceSid === SERVICE)).toBe(true);
    const res = await request(sandbox.app)
      .get(`/sandbox/twilio/phones/${encodeURIComponent(PHONE)}/messages`)
      .expect(200);
    expect(res.body.received.map((m: { body: string }) => m.body)).toEqual([
      expect.stringContaining('You have successfully been unsubscribed'),
      'Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
      expect.stringContaining('You have successfully been re-subscribed'),
    ]);
  });

  it('without Advanced Opt-Out (a bare number), sends no OptOutType and no confirmation', async () => {
    await text('STOP').expect(201);
    expect(app.hooks[0]!.params.OptOutType).toBeUndefined();
    const res = await request(sandbox.app)
      .get(`/sandbox/twilio/phones/${encodeURIComponent(PHONE)}/messages`)
      .expect(200);
    expect(res.body.received).toEqual([]);
    expect(res.body.sent.map((m: { body: string }) => m.body)).toEqual(['STOP']);
  });

  it('posts to the messaging service’s inbound URL when the service says so', async () => {
    await request(sandbox.app)
      .put(`/sandbox/twilio/messaging-services/${SERVICE}`)
      .send({ inboundRequestUrl: `${app.url}/service-sms`, useInboundWebhookOnNumber: false })
      .expect(200);
    await text('hi', {}, PHONE, POOL_NUMBER).expect(201);
    expect(app.hooks.map((h) => h.path)).toEqual(['/service-sms']);
  });

  it('sends a TwiML <Message> answer back to the phone as a reply', async () => {
    app.twiml.value =
      '<?xml version="1.0"?><Response><Message>Thanks &amp; welcome!</Message></Response>';
    await text('blue').expect(201);
    const res = await request(sandbox.app)
      .get(`/sandbox/twilio/messages?phone=${encodeURIComponent(PHONE)}`)
      .expect(200);
    expect(
      res.body.messages.map((m: { direction: string; body: string }) => [m.direction, m.body]),
    ).toEqual([
      ['inbound', 'blue'],
      ['outbound-reply', 'Thanks & welcome!'],
    ]);
  });

  it('refuses an inbound text to a number that is not the sandbox’s', async () => {
    await text('hi', {}, PHONE, '+13125550190').expect(404);
    await text('hi', {}, 'not a phone').expect(400);
  });

  it('asks for credentials in Twilio’s error shape', async () => {
    const res = await request(sandbox.app)
      .get(`/2010-04-01/Accounts/${sandbox.twilio.demoAccount.sid}.json`)
      .expect(401);
    expect(res.body).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
  });

  it('a rotated Auth Token refuses the old one (20003) and takes the new one; reset brings the seed back', async () => {
    const sid = sandbox.twilio.demoAccount.sid;
    const old = auth();
    const basic = (secret: string) => 'Basic ' + Buffer.from(`${sid}:${secret}`).toString('base64');
    await request(sandbox.app)
      .post(`/sandbox/twilio/accounts/${sid}/auth-token`)
      .send({ authToken: 'rotated-auth-token-0000000009' })
      .expect(200);
    const refused = await request(sandbox.app)
      .get(`/2010-04-01/Accounts/${sid}.json`)
      .set('Authorization', old)
      .expect(401);
    expect(refused.body.code).toBe(20003);
    await request(sandbox.app)
      .get(`/2010-04-01/Accounts/${sid}.json`)
      .set('Authorization', basic('rotated-auth-token-0000000009'))
      .expect(200);
    await request(sandbox.app)
      .post('/sandbox/twilio/accounts/AC00000000000000000000000000000099/auth-token')
      .send({ authToken: 'rotated-auth-token-0000000009' })
      .expect(404);
    sandbox.twilio.reset();
    await request(sandbox.app)
      .get(`/2010-04-01/Accounts/${sid}.json`)
      .set('Authorization', old)
      .expect(200);
  });

  it('pages message lists as Twilio does', async () => {
    const sid = sandbox.twilio.demoAccount.sid;
    for (let i = 0; i < 3; i += 1) {
      await request(sandbox.app)
        .post(`/2010-04-01/Accounts/${sid}/Messages.json`)
        .set('Authorization', auth())
        .type('form')
        .send({ To: PHONE, From: NUMBER, Body: `text ${i}` })
        .expect(201);
    }
    const first = await request(sandbox.app)
      .get(`/2010-04-01/Accounts/${sid}/Messages.json?PageSize=2`)
      .set('Authorization', auth())
      .expect(200);
    expect(first.body.messages.map((m: { body: string }) => m.body)).toEqual(['text 2', 'text 1']);
    expect(first.body.next_page_uri).toContain('Page=1');
    const second = await request(sandbox.app)
      .get(first.body.next_page_uri)
      .set('Authorization', auth())
      .expect(200);
    expect(second.body.messages.map((m: { body: string }) => m.body)).toEqual(['text 0']);
    expect(second.body.next_page_uri).toBeNull();
  });

  it('drops the answer of the next sends on demand: after storing the message, or before', async () => {
    const sid = sandbox.twilio.demoAccount.sid;
    const send = (body: string) =>
      request(sandbox.app)
        .post(`/2010-04-01/Accounts/${sid}/Messages.json`)
        .set('Authorization', auth())
        .type('form')
        .send({ To: PHONE, From: NUMBER, Body: body })
        .then(
          (res) => res.status,
          (err: NodeJS.ErrnoException) => err.code ?? err.message,
        );
    await request(sandbox.app).post('/sandbox/twilio/faults').send({ count: 1 }).expect(200);
    expect(await send('taken, answer lost')).toBe('ECONNRESET');
    await request(sandbox.app)
      .post('/sandbox/twilio/faults')
      .send({ count: 1, afterApplying: false })
      .expect(200);
    expect(await send('never taken')).toBe('ECONNRESET');
    expect(await send('answered')).toBe(201);
    expect(sandbox.twilio.messages.map((m) => m.body)).toEqual(['taken, answer lost', 'answered']);
    await request(sandbox.app).post('/sandbox/twilio/faults').send({ count: -1 }).expect(400);
  });

  it('reports a failed text as failed only (never sent), an undelivered one as sent then undelivered', async () => {
    const sid = sandbox.twilio.demoAccount.sid;
    const failing = '+14155550124';
    const unreachable = '+14155550125';
    await request(sandbox.app)
      .put('/sandbox/twilio/undeliverable')
      .send({
        numbers: {
          [failing]: { errorCode: 30008, status: 'failed' },
          [unreachable]: { errorCode: 30003, status: 'undelivered' },
        },
      })
      .expect(200);
    const send = async (to: string, sender: Record<string, string>) =>
      (
        await request(sandbox.app)
          .post(`/2010-04-01/Accounts/${sid}/Messages.json`)
          .set('Authorization', auth())
          .type('form')
          .send({ To: to, Body: 'Hello', StatusCallback: `${app.url}/status`, ...sender })
          .expect(201)
      ).body.sid as string;
    const fromNumber = await send(failing, { From: NUMBER });
    const fromService = await send(failing, { MessagingServiceSid: SERVICE });
    const undelivered = await send(unreachable, { From: NUMBER });
    await sandbox.twilio.whenIdle();
    const callbacks = (messageSid: string) =>
      app.hooks
        .filter((h) => h.path === '/status' && h.params.MessageSid === messageSid)
        .map((h) => [h.params.MessageStatus, h.params.ErrorCode ?? null]);
    expect(callbacks(fromNumber)).toEqual([['failed', '30008']]);
    expect(callbacks(fromService)).toEqual([
      ['queued', null],
      ['failed', '30008'],
    ]);
    expect(callbacks(undelivered)).toEqual([
      ['sent', null],
      ['undelivered', '30003'],
    ]);
    // Twilio never sent a failed text: it has no date sent.
    const stored = (messageSid: string) =>
      sandbox.twilio.messages.find((m) => m.sid === messageSid);
    expect(stored(fromNumber)).toEqual(
      expect.objectContaining({ status: 'failed', dateSent: null }),
    );
    expect(stored(undelivered)?.dateSent).toBeInstanceOf(Date);
  });

  it('rejects a body over 1,600 characters and more than 10 media', async () => {
    const sid = sandbox.twilio.demoAccount.sid;
    const send = (form: Record<string, unknown>) =>
      request(sandbox.app)
        .post(`/2010-04-01/Accounts/${sid}/Messages.json`)
        .set('Authorization', auth())
        .type('form')
        .send(form);
    expect((await send({ To: PHONE, From: NUMBER, Body: 'x'.repeat(1601) })).body.code).toBe(21617);
    const media = Array.from(
      { length: 11 },
      (_, i) => `MediaUrl=${encodeURIComponent(`https://example.com/${i}.jpg`)}`,
    ).join('&');
    expect(
      (
        await send(
          `To=${encodeURIComponent(PHONE)}&From=${encodeURIComponent(NUMBER)}&${media}` as never,
        )
      ).body.code,
    ).toBe(21623);
    expect((await send({ To: 'nonsense', From: NUMBER, Body: 'hi' })).body.code).toBe(21211);
  });

  it('serves the phone simulator page with labelled controls', async () => {
    const page = await request(sandbox.app).get('/phone').expect(200);
    expect(page.text).toContain('<label for="phone">');
    expect(page.text).toContain('<label for="number">');
    expect(page.text).toContain('<label for="body">');
    await request(sandbox.app)
      .get('/phone/phone.js')
      .expect(200)
      .expect('Content-Type', /javascript/);
  });

  it('forgets everything on reset', async () => {
    await text('STOP').expect(201);
    await request(sandbox.app)
      .put('/sandbox/twilio/landlines')
      .send({ numbers: [PHONE] })
      .expect(200);
    await request(sandbox.app).post('/sandbox/twilio/reset').expect(200);
    const optOuts = await request(sandbox.app).get('/sandbox/twilio/opt-outs').expect(200);
    expect(optOuts.body.optOuts).toEqual([]);
    expect(sandbox.twilio.messages).toEqual([]);
    expect(sandbox.twilio.landlines.has(PHONE)).toBe(false);
  });
});
