import fc from 'fast-check';
import request from 'supertest';
import twilio from 'twilio';
import { anInboundText, DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, DEMO_NUMBER } from '../runtime/builders';
import { startRuntime, type RuntimeHarness } from '../runtime/runtime-harness';
import { anyJson, errorLog, nastyString, objectWith, RUNS, segment } from './support/arbitraries';

/**
 * The endpoints anyone can call, fed thousands of generated requests each: whatever arrives is
 * answered below 500, and the app still answers /health afterwards. Limits are set out of reach
 * (every request comes from one address) and the worker is off: only the HTTP answer is fuzzed.
 */
describe('fuzz: the public endpoints never answer 5xx', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };
  const http = () => request(h.t.app.getHttpServer());
  const errors = errorLog();

  beforeAll(async () => {
    h = await startRuntime({
      RUN_WORKER_IN_API: 'false',
      RATE_LIMIT_KEAP_SIGN_IN_PER_MINUTE: '1000000',
      RATE_LIMIT_TOOL_URL_PER_MINUTE: '1000000',
      RATE_LIMIT_UNKNOWN_WEBHOOK_PER_MINUTE: '1000000',
    });
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {});
  });
  afterAll(() => h?.close());

  const expectNo5xx = (res: request.Response, what: unknown) => {
    if (res.status >= 500)
      throw new Error(`${res.status} for ${JSON.stringify(what)}; logged: ${errors.last()}`);
  };

  /** Twilio's form: its usual fields (the known account mostly), any of them replaced or added. */
  const twilioForm = (usual: Record<string, string>): fc.Arbitrary<Record<string, string>> =>
    fc
      .tuple(
        fc.record(
          {
            AccountSid: fc.oneof(
              { arbitrary: fc.constant(DEMO_ACCOUNT_SID), weight: 4 },
              {
                arbitrary: fc
                  .string({
                    unit: fc.constantFrom(...'0123456789abcdef'),
                    minLength: 32,
                    maxLength: 32,
                  })
                  .map((x) => `AC${x}`),
                weight: 1,
              },
              { arbitrary: nastyString, weight: 1 },
            ),
            To: fc.oneof(fc.constant(DEMO_NUMBER), nastyString),
          },
          { requiredKeys: [] },
        ),
        fc.dictionary(fc.oneof(fc.constantFrom(...Object.keys(usual)), nastyString), nastyString, {
          maxKeys: 6,
        }),
      )
      .map(([fields, other]) => ({ ...usual, ...fields, ...other }) as Record<string, string>);

  /** Posts the form as Twilio does, signed with the account's token over what the app will read. */
  const postSigned = (path: string, form: Record<string, string>, sign: boolean) => {
    const body = new URLSearchParams(Object.entries(form)).toString();
    const read = Object.fromEntries(new URLSearchParams(body));
    const url = `${h.publicUrl}${path}`;
    const req = http().post(path).type('form');
    if (sign)
      req.set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(DEMO_AUTH_TOKEN, url, read));
    return req.send(body);
  };

  it('Twilio’s inbound text webhook (signed and not)', async () => {
    await fc.assert(
      fc.asyncProperty(
        twilioForm(anInboundText('+12125550177')),
        fc.boolean(),
        async (form, sign) => {
          expectNo5xx(await postSigned('/hooks/twilio/sms', form, sign), form);
        },
      ),
      RUNS(2000),
    );
  });

  it('Twilio’s status callback (signed and not)', async () => {
    const report = {
      AccountSid: DEMO_ACCOUNT_SID,
      MessageSid: `SM${'0'.repeat(32)}`,
      MessageStatus: 'delivered',
      To: '+12125550177',
      From: DEMO_NUMBER,
    };
    await fc.assert(
      fc.asyncProperty(
        twilioForm(report),
        fc.oneof(fc.uuid(), nastyString),
        fc.boolean(),
        async (form, key, sign) => {
          const path = `/hooks/twilio/status?idempotencyKey=${encodeURIComponent(key.replace(/[\uD800-\uDFFF]/g, ''))}`;
          expectNo5xx(await postSigned(path, form, sign), { form, key });
        },
      ),
      RUNS(2000),
    );
  });

  it('the tool URL a Keap campaign posts to (JSON and form)', async () => {
    await fc.assert(
      fc.asyncProperty(
        segment(tool.toolId),
        segment(tool.secret),
        objectWith(['contactId', 'step']),
        fc.boolean(),
        async (toolId, secret, fields, asForm) => {
          const req = http().post(`/hooks/tools/${toolId}/${secret}`);
          const res = asForm
            ? await req
                .type('form')
                .send(
                  new URLSearchParams(
                    Object.entries(fields).map(([k, v]): [string, string] => [k, asText(v)]),
                  ).toString(),
                )
            : await req.set('Content-Type', 'application/json').send(JSON.stringify(fields));
          expectNo5xx(res, { toolId, secret, fields });
        },
      ),
      RUNS(2000),
    );
  });

  it('the Keap sign-in callback (any query, any cookie)', async () => {
    const cookie = fc.oneof(
      fc.constant(undefined),
      nastyString,
      anyJson.map((v) => `j:${JSON.stringify(v)}`),
    );
    await fc.assert(
      fc.asyncProperty(
        objectWith(['code', 'state', 'error', 'error_description']),
        cookie,
        async (query, value) => {
          const search = new URLSearchParams(
            Object.entries(query).map(([k, v]): [string, string] => [k, asText(v)]),
          ).toString();
          const req = http().get(`/api/keap/callback?${search}`);
          if (value !== undefined)
            req.set(
              'Cookie',
              `sms_oauth_state=${encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, ''))}`,
            );
          expectNo5xx(await req, { query, value });
        },
      ),
      RUNS(2000),
    );
  });

  it('still answers /health', () => http().get('/health').expect(200));
});

function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}
