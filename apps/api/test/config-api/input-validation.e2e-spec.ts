import { randomUUID } from 'node:crypto';
import { DEMO_TENANT_ID } from '@sms-seq/sandbox';
import { type Browser, type ConfigApi, startConfigApi } from './support/config-api-harness';
import { aPublishableTool } from './support/tool-builder';

type Method = 'get' | 'post' | 'put' | 'delete';
interface Case {
  what: string;
  method: Method;
  /** `:tool` is replaced by a real tool of the signed-in account. */
  path: string;
  query?: string;
  body?: unknown;
  /** A raw body sent as JSON (e.g. broken JSON). */
  raw?: string;
  status: number;
  /** What the answer must mention so whoever sent it knows what to fix: a person reads the message, a program the details. */
  mentions?: RegExp;
}

/** What an answer tells whoever sent it: the message a person reads, the details' paths a program reads. */
function told(error: { message: string; details?: unknown }): string {
  const details = Array.isArray(error.details)
    ? (error.details as { path?: unknown[]; message?: string }[]).map(
        (detail) => `${(detail.path ?? []).join('.')}: ${detail.message ?? ''}`,
      )
    : [JSON.stringify(error.details ?? null)];
  return [error.message, ...details].join('\n');
}

const HUGE = 'x'.repeat(20_000);
const UUID = randomUUID();
const start = { mode: 'keyword' };

/**
 * Garbage in, a 4xx with a message a person can act on out; never a 500. Every endpoint of the
 * install/config API, with wrong types, missing fields, huge strings and ids that are not ids.
 */
const cases: Case[] = [
  // Tools
  {
    what: 'create: no name',
    method: 'post',
    path: '/api/tools',
    body: {},
    status: 400,
    mentions: /name/,
  },
  {
    what: 'create: name is a number',
    method: 'post',
    path: '/api/tools',
    body: { name: 42 },
    status: 400,
    mentions: /name/,
  },
  {
    what: 'create: blank name',
    method: 'post',
    path: '/api/tools',
    body: { name: '   ' },
    status: 400,
    mentions: /name/,
  },
  {
    what: 'create: huge name',
    method: 'post',
    path: '/api/tools',
    body: { name: HUGE },
    status: 400,
    mentions: /name/,
  },
  {
    what: 'create: body is an array',
    method: 'post',
    path: '/api/tools',
    body: ['Welcome'],
    status: 400,
  },
  {
    what: 'create: broken JSON',
    method: 'post',
    path: '/api/tools',
    raw: '{"name": "Wel',
    status: 400,
    mentions: /JSON/,
  },
  {
    what: 'create: body over the size limit',
    method: 'post',
    path: '/api/tools',
    body: { name: 'x'.repeat(2_000_000) },
    status: 413,
    mentions: /too large/,
  },
  {
    what: 'read: id is not a UUID',
    method: 'get',
    path: '/api/tools/not-a-uuid',
    status: 404,
    mentions: /tool was not found/,
  },
  {
    what: 'read: SQL in the id',
    method: 'get',
    path: `/api/tools/${encodeURIComponent("' OR 1=1 --")}`,
    status: 404,
  },
  { what: 'read: unknown UUID', method: 'get', path: `/api/tools/${UUID}`, status: 404 },
  {
    what: 'update: draftRevision is text',
    method: 'put',
    path: '/api/tools/:tool',
    body: { draft: {}, draftRevision: 'one' },
    status: 400,
    mentions: /draftRevision/,
  },
  {
    what: 'update: draftRevision below 1',
    method: 'put',
    path: '/api/tools/:tool',
    body: { draft: {}, draftRevision: 0 },
    status: 400,
    mentions: /draftRevision/,
  },
  {
    what: 'update: no draft',
    method: 'put',
    path: '/api/tools/:tool',
    body: { draftRevision: 1 },
    status: 400,
    mentions: /draft.*tool definition/,
  },
  {
    what: 'update: draft is a string',
    method: 'put',
    path: '/api/tools/:tool',
    body: { draft: 'steps', draftRevision: 1 },
    status: 400,
  },
  {
    what: 'update: huge step message list',
    method: 'put',
    path: '/api/tools/:tool',
    body: {
      draft: { name: 'x', steps: Array.from({ length: 500 }, (_, i) => ({ id: `s${i}` })) },
      draftRevision: 1,
    },
    status: 400,
  },
  {
    what: 'update: id is not a UUID',
    method: 'put',
    path: '/api/tools/nope',
    body: { draft: aPublishableTool(), draftRevision: 1 },
    status: 404,
  },
  { what: 'delete: id is not a UUID', method: 'delete', path: '/api/tools/nope', status: 404 },
  {
    what: 'publish: id is not a UUID',
    method: 'post',
    path: '/api/tools/nope/publish',
    status: 404,
  },
  {
    what: 'versions: unknown tool',
    method: 'get',
    path: `/api/tools/${UUID}/versions`,
    status: 404,
  },
  {
    what: 'enabled: not a boolean',
    method: 'post',
    path: '/api/tools/:tool/enabled',
    body: { enabled: 'yes' },
    status: 400,
    mentions: /enabled/,
  },
  {
    what: 'enabled: missing',
    method: 'post',
    path: '/api/tools/:tool/enabled',
    body: {},
    status: 400,
    mentions: /enabled/,
  },
  { what: 'export: id is not a UUID', method: 'get', path: '/api/tools/nope/export', status: 404 },
  {
    what: 'import: nothing to import',
    method: 'post',
    path: '/api/tools/import',
    body: {},
    status: 400,
  },
  {
    what: 'import: definition is a number',
    method: 'post',
    path: '/api/tools/import',
    body: { definition: 7 },
    status: 400,
  },
  {
    what: 'rotate: id is not a UUID',
    method: 'post',
    path: '/api/tools/nope/url-secret/rotate',
    status: 404,
  },
  {
    what: 'simulate: no start',
    method: 'post',
    path: '/api/tools/:tool/simulate',
    body: {},
    status: 400,
    mentions: /start/,
  },
  {
    what: 'simulate: unknown start mode',
    method: 'post',
    path: '/api/tools/:tool/simulate',
    body: { start: { mode: 'sms' } },
    status: 400,
    mentions: /start\.mode/,
  },
  {
    what: 'simulate: versionId is not a UUID',
    method: 'post',
    path: '/api/tools/:tool/simulate',
    body: { versionId: 'v1', start },
    status: 400,
    mentions: /versionId/,
  },
  {
    what: 'simulate: unknown version',
    method: 'post',
    path: '/api/tools/:tool/simulate',
    body: { versionId: UUID, start },
    status: 404,
  },
  {
    what: 'simulate: replies are not a list',
    method: 'post',
    path: '/api/tools/:tool/simulate',
    body: { start, replies: 'yes' },
    status: 400,
    mentions: /replies/,
  },
  {
    what: 'simulate: too many replies',
    method: 'post',
    path: '/api/tools/:tool/simulate',
    body: { start, replies: Array(101).fill('yes') },
    status: 400,
    mentions: /replies/,
  },
  {
    what: 'simulate: huge reply',
    method: 'post',
    path: '/api/tools/:tool/simulate',
    body: { start, replies: [HUGE] },
    status: 400,
    mentions: /replies/,
  },
  {
    what: 'simulate: contact field is a number',
    method: 'post',
    path: '/api/tools/:tool/simulate',
    body: { start, contact: { fields: { FirstName: 5 } } },
    status: 400,
    mentions: /contact/,
  },
  {
    what: 'simulate: start step that does not exist',
    method: 'post',
    path: '/api/tools/:tool/simulate',
    body: { start: { mode: 'http_post', startStepId: 'nowhere' } },
    status: 400,
    mentions: /nowhere/,
  },
  {
    what: 'analytics: versionId is not a UUID',
    method: 'get',
    path: '/api/tools/:tool/analytics',
    query: 'versionId=latest',
    status: 400,
    mentions: /versionId/,
  },
  {
    what: 'analytics: unknown version',
    method: 'get',
    path: '/api/tools/:tool/analytics',
    query: `versionId=${UUID}`,
    status: 404,
  },
  {
    what: 'analytics: unknown tool',
    method: 'get',
    path: '/api/tools/nope/analytics',
    status: 404,
  },
  // Conversations
  {
    what: 'list: limit is text',
    method: 'get',
    path: '/api/conversations',
    query: 'limit=many',
    status: 400,
    mentions: /limit/,
  },
  {
    what: 'list: limit too high',
    method: 'get',
    path: '/api/conversations',
    query: 'limit=100000',
    status: 400,
    mentions: /limit/,
  },
  {
    what: 'list: from is not a date',
    method: 'get',
    path: '/api/conversations',
    query: 'from=yesterday-ish',
    status: 400,
    mentions: /from/,
  },
  {
    what: 'list: unknown status',
    method: 'get',
    path: '/api/conversations',
    query: 'status=happy',
    status: 400,
    mentions: /status/,
  },
  {
    what: 'list: status given twice',
    method: 'get',
    path: '/api/conversations',
    query: 'status=finished&status=expired',
    status: 400,
    mentions: /status/,
  },
  {
    what: 'list: toolId is not a UUID',
    method: 'get',
    path: '/api/conversations',
    query: 'toolId=abc',
    status: 400,
    mentions: /toolId/,
  },
  {
    what: 'list: cursor we never gave',
    method: 'get',
    path: '/api/conversations',
    query: 'cursor=garbage',
    status: 400,
    mentions: /cursor/,
  },
  {
    what: 'list: huge search',
    method: 'get',
    path: '/api/conversations',
    query: `q=${'x'.repeat(3000)}`,
    status: 400,
    mentions: /q/,
  },
  {
    what: 'list: huge phone',
    method: 'get',
    path: '/api/conversations',
    query: `phone=${'1'.repeat(5000)}`,
    status: 400,
    mentions: /phone/,
  },
  {
    what: 'detail: id is not a UUID',
    method: 'get',
    path: '/api/conversations/nope',
    status: 404,
    mentions: /conversation was not found/,
  },
  { what: 'detail: unknown UUID', method: 'get', path: `/api/conversations/${UUID}`, status: 404 },
  {
    what: 'end: id is not a UUID',
    method: 'post',
    path: '/api/conversations/nope/end',
    status: 404,
  },
  // Keap pickers
  {
    what: 'fields: refresh is not 1/0',
    method: 'get',
    path: '/api/keap/fields',
    query: 'refresh=maybe',
    status: 400,
    mentions: /refresh/,
  },
  {
    what: 'tags: refresh given twice',
    method: 'get',
    path: '/api/keap/tags',
    query: 'refresh=1&refresh=0',
    status: 400,
    mentions: /refresh/,
  },
  {
    what: 'create tag: no name',
    method: 'post',
    path: '/api/keap/tags',
    body: {},
    status: 400,
    mentions: /name/,
  },
  {
    what: 'create tag: name is a list',
    method: 'post',
    path: '/api/keap/tags',
    body: { name: ['a'] },
    status: 400,
    mentions: /name/,
  },
  {
    what: 'create tag: huge name',
    method: 'post',
    path: '/api/keap/tags',
    body: { name: HUGE },
    status: 400,
    mentions: /name/,
  },
  // Keap budget
  ...['0', 'abc', '5000'].map((last): Case => ({
    what: `budget: last=${last}`,
    method: 'get',
    path: '/api/keap/budget',
    query: `last=${last}`,
    status: 400,
    mentions: /last must be/,
  })),
  // Twilio
  {
    what: 'connect: nothing',
    method: 'put',
    path: '/api/twilio/connection',
    body: {},
    status: 400,
    mentions: /accountSid/,
  },
  {
    what: 'connect: SID of the wrong shape',
    method: 'put',
    path: '/api/twilio/connection',
    body: { accountSid: 'AC1', authToken: 't' },
    status: 400,
    mentions: /Account SID/,
  },
  {
    what: 'connect: token is a number',
    method: 'put',
    path: '/api/twilio/connection',
    body: { accountSid: `AC${'0'.repeat(32)}`, authToken: 5 },
    status: 400,
    mentions: /authToken/,
  },
  {
    what: 'connect: huge token',
    method: 'put',
    path: '/api/twilio/connection',
    body: { accountSid: `AC${'0'.repeat(32)}`, authToken: HUGE },
    status: 400,
    mentions: /authToken/,
  },
  {
    what: 'connect: API key SID of the wrong shape',
    method: 'put',
    path: '/api/twilio/connection',
    body: { accountSid: `AC${'0'.repeat(32)}`, authToken: 't', apiKeySid: 'key' },
    status: 400,
    mentions: /apiKeySid/,
  },
  {
    what: 'numbers: country is not a code',
    method: 'get',
    path: '/api/twilio/available-numbers',
    query: 'country=USA',
    status: 400,
    mentions: /country/,
  },
  {
    what: 'numbers: unknown type',
    method: 'get',
    path: '/api/twilio/available-numbers',
    query: 'type=mobile',
    status: 400,
    mentions: /type/,
  },
  {
    what: 'numbers: area code is not digits',
    method: 'get',
    path: '/api/twilio/available-numbers',
    query: 'areaCode=abc',
    status: 400,
    mentions: /areaCode/,
  },
  {
    what: 'buy: not E.164',
    method: 'post',
    path: '/api/twilio/numbers',
    body: { phoneNumber: '555-1234' },
    status: 400,
    mentions: /international form/,
  },
  {
    what: 'buy: nothing',
    method: 'post',
    path: '/api/twilio/numbers',
    body: {},
    status: 400,
    mentions: /phoneNumber/,
  },
];

describe('every install/config endpoint answers garbage with a 4xx a person can act on', () => {
  let api: ConfigApi;
  let a: Browser;
  let toolId: string;

  beforeAll(async () => {
    api = await startConfigApi();
    a = await api.signIn(DEMO_TENANT_ID);
    toolId = (
      await a.agent
        .post('/api/tools')
        .set('x-csrf-token', a.csrf)
        .send({ name: 'Target' })
        .expect(201)
    ).body.id;
  });
  afterAll(() => api.close());

  it.each(cases.map((c) => [c.what, c] as const))('%s', async (_what, c) => {
    const url = `${c.path.replace(':tool', toolId)}${c.query ? `?${c.query}` : ''}`;
    let req = a.agent[c.method](url).set('x-csrf-token', a.csrf);
    if (c.raw !== undefined) req = req.set('Content-Type', 'application/json').send(c.raw);
    else if (c.body !== undefined) req = req.send(c.body as object);
    const res = await req;
    expect({ status: res.status, body: res.body }).toEqual({
      status: c.status,
      body: {
        error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
      },
    });
    expect(res.body.error.message).not.toMatch(/Something went wrong/);
    expect(res.body.error.message).toMatch(/^[A-Z“"].*[.!?]$/s);
    if (c.mentions) expect(told(res.body.error)).toMatch(c.mentions);
  });

  it('the Keap callback with garbage sends the browser back to the console with an error, never a 500', async () => {
    const long = 'x'.repeat(3000);
    for (const query of [
      '',
      'code[]=a&state[]=b',
      'code=a&code=b&state=c&state=d',
      `code=${long}&state=${long}`,
      'error=x&error=y',
      `error=${long}`,
    ]) {
      const res = await api.anonymous().get(`/api/keap/callback?${query}`);
      expect([res.status, res.headers.location]).toEqual([
        302,
        expect.stringMatching(/^http:\/\/console\.test\.local\/\?error=/),
      ]);
    }
  });

  it('never puts a secret in a response or a log line', () => api.expectNoSecretsLeaked());

  it('answers only as the OpenAPI document says (status and schema)', () =>
    api.expectAnswersDocumented());
});
