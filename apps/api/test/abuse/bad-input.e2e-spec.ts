import request from 'supertest';
import twilio from 'twilio';
import { TwilioConnectionService } from '../../src/twilio/connection/twilio-connection.service';
import { anInboundText, DEMO_AUTH_TOKEN } from '../runtime/builders';
import { type ConsoleBrowser, startRuntime, type RuntimeHarness } from '../runtime/runtime-harness';

/** Every bad input anyone can send is answered 4xx with a readable message, never 500. */
describe('bad input is the client’s error (4xx), never ours (5xx)', () => {
  let h: RuntimeHarness;
  let accountId: string;
  let browser: ConsoleBrowser;
  const http = () => request(h.t.app.getHttpServer());

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
    browser = await h.signedIn(accountId);
  });
  afterAll(() => h?.close());

  const expectReadable4xx = (res: request.Response, status: number, mentions: RegExp) => {
    expect({ status: res.status, body: res.body }).toEqual({
      status,
      body: {
        error: expect.objectContaining({
          code: expect.any(String),
          message: expect.stringMatching(mentions),
        }),
      },
    });
  };

  describe('Twilio webhooks', () => {
    it('refuses an AccountSid that is not AC and 32 hex digits (NULs included) before any look-up', async () => {
      const lookups = jest.spyOn(h.t.app.get(TwilioConnectionService), 'webhookAuthFor');
      try {
        for (const AccountSid of [
          '',
          'AC\u0000',
          `AC${'0'.repeat(31)}\u0000`,
          'ACxyz',
          'x'.repeat(200),
        ]) {
          const params = anInboundText('+12125550177', { AccountSid });
          for (const path of ['/hooks/twilio/sms', '/hooks/twilio/status']) {
            const res = await http().post(path).type('form').send(params);
            expectReadable4xx(res, 400, /"AccountSid" .*AC followed by 32 hex digits/);
          }
        }
        expect(lookups).not.toHaveBeenCalled();
      } finally {
        lookups.mockRestore();
      }
    });

    it('asks the database once about an unknown AccountSid, then remembers it is no account’s', async () => {
      const lookups = jest.spyOn(h.t.app.get(TwilioConnectionService), 'webhookAuthFor');
      try {
        const params = anInboundText('+12125550177', { AccountSid: `AC${'ab'.repeat(16)}` });
        for (let i = 0; i < 5; i++) {
          const res = await http().post('/hooks/twilio/sms').type('form').send(params);
          expect(res.status).toBe(403);
        }
        expect(lookups).toHaveBeenCalledTimes(1);
      } finally {
        lookups.mockRestore();
      }
    });

    it('stores a signed text with a NUL in it, the NUL shown as �, nothing else lost', async () => {
      const params = anInboundText('+12125550177', { Body: 'Yes\u0000 please\u0000' });
      const res = await h.postSignedText(params, DEMO_AUTH_TOKEN);
      expect(res.status).toBe(200);
      const stored = await h.ds.query(`SELECT body FROM messages WHERE provider_sid = $1`, [
        params.MessageSid,
      ]);
      expect(stored).toEqual([{ body: 'Yes\uFFFD please\uFFFD' }]);
    });

    it('refuses (400) a signed text whose MessageSid is longer than Twilio’s (it would not fit the index)', async () => {
      const params = anInboundText('+12125550177', { MessageSid: `SM${'a'.repeat(3000)}` });
      const res = await h.postSignedText(params, DEMO_AUTH_TOKEN);
      expectReadable4xx(res, 400, /"MessageSid" is longer than any Twilio webhook sends/);
    });

    it('answers a signed delivery report with NULs in every field without failing', async () => {
      const params: Record<string, string> = {
        AccountSid: 'AC00000000000000000000000000000001',
        MessageSid: `SM\u0000${'0'.repeat(31)}`,
        MessageStatus: 'deliv\u0000ered',
        ErrorCode: '3\u00000',
      };
      const url = `${h.publicUrl}/hooks/twilio/status`;
      const res = await http()
        .post('/hooks/twilio/status')
        .type('form')
        .set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(DEMO_AUTH_TOKEN, url, params))
        .send(params);
      expect(res.status).toBeLessThan(500);
    });
  });

  describe('the console API', () => {
    it('refuses a NUL anywhere in a JSON body, telling programs where', async () => {
      const res = await browser.post('/api/tools').send({ name: 'Survey\u0000' });
      expectReadable4xx(res, 400, /control character \(NUL\)/);
      expect(res.body.error.details).toEqual({ at: 'name' });
      const nested = await browser
        .post('/api/tools/import')
        .send({ definition: { steps: [{ message: 'Hi\u0000' }] } });
      expectReadable4xx(nested, 400, /control character \(NUL\)/);
      expect(nested.body.error.details).toEqual({ at: 'definition.steps.0.message' });
    });

    it('refuses a lone surrogate (JSON \\ud800), which PostgreSQL’s jsonb cannot store', async () => {
      const res = await browser
        .post('/api/tools')
        .set('Content-Type', 'application/json')
        .send('{"name":"Survey \\ud800"}');
      expectReadable4xx(res, 400, /broken character \(invalid Unicode\)/);
      expect(res.body.error.details).toEqual({ at: 'name' });
    });

    it('refuses a NUL in the query or the path', async () => {
      const query = await browser.get('/api/conversations?q=pat%00');
      expectReadable4xx(query, 400, /control character \(NUL\)/);
      expect(query.body.error.details).toEqual({ at: 'q' });
      const path = await browser.post('/api/conversations/%00/end');
      expectReadable4xx(path, 400, /control character \(NUL\)/);
      expect(path.body.error.details).toEqual({ at: 'id' });
    });

    it('refuses dates out of range and cursors it did not give', async () => {
      for (const from of ['-100000-01-01T00:00:00Z', '+200000-01-01T00:00:00Z', '1969-12-31']) {
        const res = await browser.get(`/api/conversations?from=${encodeURIComponent(from)}`);
        expectReadable4xx(res, 400, /^Pick a date from 1970 to 9999\.$/);
      }
      const crafted = (startedAt: string) =>
        Buffer.from(
          JSON.stringify({ startedAt, id: '0b6f2f5e-8a4b-4a47-9a5e-3f6c7d1e2a10' }),
        ).toString('base64url');
      for (const startedAt of ['-100000-01-01T00:00:00.000Z', 'Tue Mar 01 2022 1:00']) {
        const res = await browser.get(`/api/conversations?cursor=${crafted(startedAt)}`);
        expectReadable4xx(res, 400, /^The request holds a value the console never sends/);
        expect(res.body.error.details).toEqual([
          { path: ['cursor'], message: expect.stringMatching(/^is not a cursor this API gave/) },
        ]);
      }
    });

    it('takes a JSON-looking CSRF or session cookie as no cookie (403, 401), not a crash', async () => {
      const session = await h.signedIn(accountId);
      const res = await session
        .post('/api/tools')
        .set('Cookie', `${cookieOf(session, 'sms_session')}; sms_csrf=j:{"a":1}`)
        .send({ name: 'Survey' });
      expect(res.status).toBe(403);
      const anon = await http()
        .get('/api/session')
        .set('Cookie', 'sms_session=j:["x"]; sms_csrf=j:{}');
      expect(anon.status).toBe(401);
    });
  });

  describe('the Keap sign-in callback', () => {
    it('answers 400, readable, to an OAuth cookie this app never sets', async () => {
      for (const cookie of [
        'j:{"a":1}',
        'j:["x"]',
        'j:"abc"',
        `${'a'.repeat(42)}%00`,
        'a'.repeat(44),
        'short',
      ]) {
        const res = await http()
          .get('/api/keap/callback?code=c&state=s')
          .set('Cookie', `sms_oauth_state=${cookie}`);
        expectReadable4xx(res, 400, /sign-in cookie was not set by this app/);
      }
    });
  });

  it('is still up', () => http().get('/health').expect(200));
});

function cookieOf(agent: ConsoleBrowser, name: string): string {
  const jar = (agent as unknown as { _defaults: { fn: string; args: unknown[] }[] })._defaults;
  for (const d of jar ?? []) {
    const [header, value] = d.args as [string, string];
    if (d.fn === 'set' && header === 'Cookie') {
      const found = value.split('; ').find((c) => c.startsWith(`${name}=`));
      if (found) return found;
    }
  }
  throw new Error(`no ${name} cookie`);
}
