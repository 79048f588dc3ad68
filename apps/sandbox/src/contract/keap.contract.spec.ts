import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import OpenAPIBackend from 'openapi-backend';
import request from 'supertest';
import { createSandbox } from '../app';
import { DEMO_TENANT_ID, SANDBOX_KEAP_CLIENT, type KeapSandbox } from '../keap';

/**
 * Contract: every Keap answer the product relies on validates against the official Keap REST v2
 * spec (../shared/specs, or API_SPECS_DIR), and so does every request this test sends, so the
 * test itself cannot drift from the spec either.
 */
const specsDir = process.env.API_SPECS_DIR ?? resolve(__dirname, '../../../../../shared/specs');
const specPath = join(specsDir, 'keap', 'keap-rest-v2.openapi.yml');
const haveSpec = existsSync(specPath);
if (!haveSpec)
  console.warn(`Keap contract tests skipped: ${specPath} not found (set API_SPECS_DIR).`);
const describeWithSpec = haveSpec ? describe : describe.skip;

const REDIRECT_URI = 'http://127.0.0.1:9/keap/callback';
const QUOTA_HEADERS = [
  'x-keap-product-quota-limit',
  'x-keap-product-quota-available',
  'x-keap-product-quota-used',
  'x-keap-product-quota-expiry-time',
  'x-keap-product-throttle-limit',
  'x-keap-product-throttle-available',
  'x-keap-product-throttle-used',
  'x-keap-tenant-throttle-limit',
  'x-keap-tenant-throttle-available',
  'x-keap-tenant-throttle-used',
];

describeWithSpec('Keap sandbox against the official Keap REST v2 spec', () => {
  let spec: OpenAPIBackend;
  let keap: KeapSandbox;
  let app: ReturnType<typeof createSandbox>['app'];
  let accessToken: string;

  beforeAll(async () => {
    spec = new OpenAPIBackend({
      definition: specPath,
      quick: true,
      apiRoot: '/crm',
      ajvOpts: { strict: false, validateFormats: false },
    });
    await spec.init();
  });

  beforeEach(async () => {
    ({ app, keap } = createSandbox({ publicUrl: 'http://127.0.0.1:4010' }));
    accessToken = (await connect()).access_token;
  });

  async function connect(): Promise<{
    access_token: string;
    refresh_token: string;
    expires_in: number;
  }> {
    const consent = await request(app).post('/app/oauth/authorize').type('form').send({
      client_id: SANDBOX_KEAP_CLIENT.clientId,
      redirect_uri: REDIRECT_URI,
      state: 's1',
      tenant_id: DEMO_TENANT_ID,
      decision: 'allow',
    });
    expect(consent.status).toBe(302);
    const code = new URL(consent.headers.location ?? '').searchParams.get('code');
    const token = await request(app).post('/token').type('form').send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: SANDBOX_KEAP_CLIENT.clientId,
      client_secret: SANDBOX_KEAP_CLIENT.clientSecret,
    });
    expect(token.status).toBe(200);
    return token.body;
  }

  /** Sends a spec-valid request and checks the answer against the operation's schema for its status. */
  async function call(
    method: 'get' | 'post' | 'patch',
    path: string,
    options: {
      query?: Record<string, string | string[]>;
      body?: unknown;
      expectStatus: number;
      token?: string;
    },
  ): Promise<request.Response> {
    const operation = spec.matchOperation({ method, path: `/crm${path}`, headers: {} });
    if (!operation) throw new Error(`${method} ${path} is not an operation of the Keap spec`);
    const reqCheck = spec.validateRequest(
      {
        method,
        path: `/crm${path}`,
        query: options.query ?? {},
        headers: { 'content-type': 'application/json' },
        body: options.body,
      },
      operation,
    );
    expect(reqCheck.errors ?? []).toEqual([]);
    const agent = request(app);
    let req = agent[method](`/crm${path}`).set(
      'Authorization',
      `Bearer ${options.token ?? accessToken}`,
    );
    if (options.query) req = req.query(options.query);
    const res = options.body === undefined ? await req : await req.send(options.body as object);
    expect({ status: res.status, body: res.body }).toEqual({
      status: options.expectStatus,
      body: expect.anything(),
    });
    const resCheck = spec.validateResponse(res.body, operation, res.status);
    expect(resCheck.errors ?? []).toEqual([]);
    for (const header of QUOTA_HEADERS) expect(res.headers[header]).toMatch(/^\d+$/);
    return res;
  }

  it('serves the contact model with the custom fields', async () => {
    const res = await call('get', '/rest/v2/contacts/model', { expectStatus: 200 });
    expect(res.body.custom_fields.map((f: { label: string }) => f.label)).toEqual([
      'Favorite Color',
      'Budget',
    ]);
  });

  it('gets a contact with its custom fields when asked, and 404s an unknown one', async () => {
    const found = await call('get', '/rest/v2/contacts', {
      query: { filter: 'email==ada@example.com' },
      expectStatus: 200,
    });
    const id = found.body.contacts[0].id as string;
    const res = await call('get', `/rest/v2/contacts/${id}`, {
      query: {
        fields: 'given_name,family_name,email_addresses,phone_numbers,custom_fields,company',
      },
      expectStatus: 200,
    });
    expect(res.body.given_name).toBe('Ada');
    expect(res.body.custom_fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ content: 'Blue' })]),
    );
    await call('get', '/rest/v2/contacts/999999', { expectStatus: 404 });
  });

  it('finds contacts by phone in the named phone fields only', async () => {
    const hit = await call('get', '/rest/v2/contacts', {
      query: { filter: 'phone_number==+14155550101;phone_fields==PHONE1,PHONE2' },
      expectStatus: 200,
    });
    expect(hit.body.contacts).toHaveLength(1);
    const miss = await call('get', '/rest/v2/contacts', {
      query: { filter: 'phone_number==+14155550101;phone_fields==PHONE2' },
      expectStatus: 200,
    });
    expect(miss.body.contacts).toHaveLength(0);
    await call('get', '/rest/v2/contacts', {
      query: { filter: 'phone_number==+14155550101' },
      expectStatus: 400,
    });
  });

  it('creates, de-duplicates by email and updates contacts with an update mask', async () => {
    const body = {
      given_name: 'Mae',
      email_addresses: [{ email: 'mae@example.com', field: 'EMAIL1' }],
      phone_numbers: [{ number: '+14155550199', field: 'PHONE1', type: 'Mobile' }],
    };
    const created = await call('post', '/rest/v2/contacts', { body, expectStatus: 201 });
    const again = await call('post', '/rest/v2/contacts', {
      query: { duplicate_option: 'Email' },
      body,
      expectStatus: 200,
    });
    expect(again.body.id).toBe(created.body.id);
    const updated = await call('patch', `/rest/v2/contacts/${created.body.id}`, {
      query: { update_mask: ['family_name', 'custom_fields'] },
      body: {
        family_name: 'Jemison',
        given_name: 'ignored',
        custom_fields: [{ id: '2', content: '5000' }],
      },
      expectStatus: 200,
    });
    expect(updated.body).toEqual(
      expect.objectContaining({ given_name: 'Mae', family_name: 'Jemison' }),
    );
    await call('post', '/rest/v2/contacts', {
      body: { email_addresses: [{ email: 'not-an-email', field: 'EMAIL1' }] },
      expectStatus: 400,
    });
  });

  it('pages tags, creates one and applies it (twice harmlessly)', async () => {
    const first = await call('get', '/rest/v2/tags', {
      query: { page_size: '3' },
      expectStatus: 200,
    });
    expect(first.body.tags).toHaveLength(3);
    const second = await call('get', '/rest/v2/tags', {
      query: { page_size: '3', page_token: first.body.next_page_token },
      expectStatus: 200,
    });
    expect(second.body.tags).toHaveLength(1);
    expect(second.body.next_page_token).toBe('');
    const tag = await call('post', '/rest/v2/tags', { body: { name: 'VIP' }, expectStatus: 201 });
    const contacts = await call('get', '/rest/v2/contacts', {
      query: { filter: 'email==grace@example.com' },
      expectStatus: 200,
    });
    const contactId = contacts.body.contacts[0].id;
    const applied = await call('post', `/rest/v2/tags/${tag.body.id}/contacts:applyTags`, {
      body: { contact_ids: [contactId] },
      expectStatus: 200,
    });
    expect(applied.body.results[contactId]).toBe('SUCCESS');
    await call('post', `/rest/v2/tags/${tag.body.id}/contacts:applyTags`, {
      body: { contact_ids: [contactId] },
      expectStatus: 200,
    });
    expect(keap.tagsOf(keap.tenant(DEMO_TENANT_ID), contactId).map((t) => t.name)).toEqual(['VIP']);
  });

  it('creates, reads, updates and lists notes', async () => {
    const contacts = await call('get', '/rest/v2/contacts', {
      query: { filter: 'email==alan@example.com' },
      expectStatus: 200,
    });
    const contactId = contacts.body.contacts[0].id;
    const user = await call('get', '/rest/v2/oauth/connect/userinfo', { expectStatus: 200 });
    // `sub` is the user of this Keap app; `id` the global user identifier, not a user of the app.
    expect(user.body.id).not.toBe(user.body.sub);
    await call('post', `/rest/v2/contacts/${contactId}/notes`, {
      body: { title: 'SMS: BLUE', text: 'line 1', type: 'Other', user_id: user.body.id },
      expectStatus: 400,
    });
    const note = await call('post', `/rest/v2/contacts/${contactId}/notes`, {
      body: { title: 'SMS: BLUE', text: 'line 1', type: 'Other', user_id: user.body.sub },
      expectStatus: 201,
    });
    await call('get', `/rest/v2/contacts/${contactId}/notes/${note.body.id}`, {
      expectStatus: 200,
    });
    const patched = await call('patch', `/rest/v2/contacts/${contactId}/notes/${note.body.id}`, {
      query: { update_mask: ['text'] },
      body: { text: 'line 1\nline 2', user_id: user.body.sub },
      expectStatus: 200,
    });
    expect(patched.body.text).toBe('line 1\nline 2');
    const list = await call('get', `/rest/v2/contacts/${contactId}/notes`, { expectStatus: 200 });
    expect(list.body.notes).toHaveLength(1);
    await call('post', `/rest/v2/contacts/${contactId}/notes`, {
      body: { title: 'Call back', text: 'other', type: 'Other', user_id: user.body.sub },
      expectStatus: 201,
    });
    // title== matches anywhere in the title; a trailing * is a prefix match.
    const byTitle = await call('get', `/rest/v2/contacts/${contactId}/notes`, {
      query: { filter: 'title==BLUE' },
      expectStatus: 200,
    });
    expect(byTitle.body.notes.map((n: { title: string }) => n.title)).toEqual(['SMS: BLUE']);
    const byPrefix = await call('get', `/rest/v2/contacts/${contactId}/notes`, {
      query: { filter: 'title==Call*' },
      expectStatus: 200,
    });
    expect(byPrefix.body.notes.map((n: { title: string }) => n.title)).toEqual(['Call back']);
  });

  it('answers 401 in the gateway shape for a revoked grant', async () => {
    keap.revokeGrants({ tenantId: DEMO_TENANT_ID });
    const res = await request(app)
      .get('/crm/rest/v2/tags')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(401);
    expect(spec.validateResponse(res.body, 'listTags', 401).errors ?? []).toEqual([]);
  });

  it('answers 429 past the per-minute throttle, with the quota headers', async () => {
    keap.setQuotas({ appPerMinute: 2 });
    await call('get', '/rest/v2/tags', { expectStatus: 200 });
    await call('get', '/rest/v2/tags', { expectStatus: 200 });
    const res = await request(app)
      .get('/crm/rest/v2/tags')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(429);
    expect(res.headers['x-keap-product-throttle-available']).toBe('0');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
