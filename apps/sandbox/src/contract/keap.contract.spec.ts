import request from 'supertest';
import { createSandbox } from '../app';
import { DEMO_TENANT_ID, SANDBOX_KEAP_CLIENT, type KeapSandbox } from '../keap';
import {
  keapSpecIfPresent,
  keapSpecPath,
  loadKeapContract,
  type KeapContract,
} from './keap-contract';

/**
 * The Keap stand-in's behaviour, and its contract: every Keap answer the product relies on
 * validates against the official Keap REST v2 spec (../shared/specs, or API_SPECS_DIR, tightened in
 * memory: see keap-contract.ts), and so does every request this test sends, so the test itself
 * cannot drift from the spec either. Without the spec the behaviour is still tested; only the
 * spec checks are skipped.
 */
const specPath = keapSpecIfPresent();
if (!specPath)
  console.warn(
    `Keap contract checks skipped: ${keapSpecPath()} not found (set API_SPECS_DIR); the sandbox's behaviour is still tested.`,
  );
const describeWithSpec = specPath ? describe : describe.skip;

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

describe('the Keap sandbox, its answers checked against the official Keap REST v2 spec', () => {
  let contract: KeapContract | null = null;
  let keap: KeapSandbox;
  let app: ReturnType<typeof createSandbox>['app'];
  let accessToken: string;

  beforeAll(async () => {
    if (specPath) contract = await loadKeapContract(specPath);
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
    const operation = { method, path: `/crm${path}` };
    expect(
      contract?.requestProblems({ ...operation, query: options.query, body: options.body }) ?? [],
    ).toEqual([]);
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
    expect(contract?.responseProblems(operation, res.status, res.body) ?? []).toEqual([]);
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

  it('creates a contact custom field: Keap answers its id and field name, the model lists it, contacts take values', async () => {
    const created = await call('post', '/rest/v2/contacts/model/customFields', {
      body: {
        label: 'Shirt size',
        field_type: 'DROPDOWN',
        options: [{ label: 'S' }, { label: 'M' }, { label: 'L' }],
      },
      expectStatus: 201,
    });
    expect(created.body).toEqual({
      id: expect.any(String),
      label: 'Shirt size',
      field_name: 'Shirtsize',
      field_type: 'DROPDOWN',
      record_type: 'CONTACT',
      options: ['S', 'M', 'L'].map((label) => ({ id: expect.any(String), label })),
    });
    const model = await call('get', '/rest/v2/contacts/model', { expectStatus: 200 });
    expect(model.body.custom_fields).toContainEqual(created.body);

    const ada = await call('get', '/rest/v2/contacts', {
      query: { filter: 'email==ada@example.com' },
      expectStatus: 200,
    });
    const id = ada.body.contacts[0].id as string;
    const saved = await call('patch', `/rest/v2/contacts/${id}`, {
      query: { update_mask: ['custom_fields'], fields: 'id,custom_fields' },
      body: { custom_fields: [{ id: created.body.id, content: 'M' }] },
      expectStatus: 200,
    });
    expect(saved.body.custom_fields).toContainEqual({ id: created.body.id, content: 'M' });
    // The new field filters contacts by its field name, as the spec's field_name says.
    const found = await call('get', '/rest/v2/contacts', {
      query: { filter: 'Shirtsize==M' },
      expectStatus: 200,
    });
    expect(found.body.contacts.map((c: { id: string }) => c.id)).toEqual([id]);
    await call('patch', `/rest/v2/contacts/${id}`, {
      query: { update_mask: ['custom_fields'] },
      body: { custom_fields: [{ id: created.body.id, content: 'XXL' }] },
      expectStatus: 400,
    });

    // A field of another type in a named group; a field name already taken is numbered.
    const whole = await call('post', '/rest/v2/contacts/model/customFields', {
      body: { label: 'Budget!', field_type: 'WHOLE_NUMBER', group_id: '1' },
      expectStatus: 201,
    });
    expect(whole.body).toEqual(
      expect.objectContaining({ field_name: 'Budget1', group_id: '1', group_name: 'SMS' }),
    );
  });

  it('refuses a custom field without a label or type, with a label taken, or with options it cannot have', async () => {
    // The same label again (any case): Keap's Conflict.
    const taken = await call('post', '/rest/v2/contacts/model/customFields', {
      body: { label: 'favorite color', field_type: 'TEXT' },
      expectStatus: 409,
    });
    expect(taken.body.message).toMatch(/already exists/);
    for (const body of [
      { label: '  ', field_type: 'TEXT' },
      { label: 'Pick one', field_type: 'DROPDOWN' },
      { label: 'Notes', field_type: 'TEXT', options: [{ label: 'A' }] },
      { label: 'Tabbed', field_type: 'TEXT', group_id: '404' },
    ])
      await call('post', '/rest/v2/contacts/model/customFields', { body, expectStatus: 400 });
    // Bodies the spec itself rules out (no label, an unknown type) are refused all the same.
    for (const body of [{ field_type: 'TEXT' }, { label: 'Odd', field_type: 'COLOUR' }]) {
      const res = await request(app)
        .post('/crm/rest/v2/contacts/model/customFields')
        .set('Authorization', `Bearer ${accessToken}`)
        .send(body);
      expect(res.status).toBe(400);
      expect(
        contract?.responseProblems(
          { method: 'post', path: '/crm/rest/v2/contacts/model/customFields' },
          400,
          res.body,
        ) ?? [],
      ).toEqual([]);
    }
    const model = await call('get', '/rest/v2/contacts/model', { expectStatus: 200 });
    expect(model.body.custom_fields).toHaveLength(2);
  });

  it('gets a contact with its custom fields when asked, and 404s an unknown one', async () => {
    const found = await call('get', '/rest/v2/contacts', {
      query: { filter: 'email==ada@example.com' },
      expectStatus: 200,
    });
    const id = found.body.contacts[0].id as string;
    const res = await call('get', `/rest/v2/contacts/${id}`, {
      query: {
        // As the client asks: `fields` names id too (Keap writes only the fields asked for).
        fields: 'id,given_name,family_name,email_addresses,phone_numbers,custom_fields,company',
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

  it('replaces phone numbers and email addresses whole, as the spec says: a slot not listed is removed', async () => {
    const created = await call('post', '/rest/v2/contacts', {
      body: {
        email_addresses: [
          { email: 'lists@example.com', field: 'EMAIL1' },
          { email: 'lists.work@example.com', field: 'EMAIL2' },
        ],
        phone_numbers: [
          { number: '+14155550111', field: 'PHONE1', type: 'Mobile' },
          { number: '+14155550112', field: 'PHONE2', type: 'Work', extension: '7' },
        ],
      },
      expectStatus: 201,
    });
    const id = created.body.id as string;
    const read = async () =>
      (
        await call('get', `/rest/v2/contacts/${id}`, {
          query: { fields: 'id,email_addresses,phone_numbers' },
          expectStatus: 200,
        })
      ).body as {
        email_addresses: { email: string; field: string }[];
        phone_numbers: { number: string; field: string; type?: string; extension?: string }[];
      };
    // Only PHONE2 listed: PHONE1 is gone. Only EMAIL3 listed: EMAIL1 and EMAIL2 are gone.
    await call('patch', `/rest/v2/contacts/${id}`, {
      query: { update_mask: ['phone_numbers', 'email_addresses'] },
      body: {
        phone_numbers: [{ number: '+14155550113', field: 'PHONE2', type: 'Mobile' }],
        email_addresses: [{ email: 'lists.other@example.com', field: 'EMAIL3' }],
      },
      expectStatus: 200,
    });
    let after = await read();
    expect(after.phone_numbers.map(({ field, number }) => ({ field, number }))).toEqual([
      { field: 'PHONE2', number: '+14155550113' },
    ]);
    expect(after.email_addresses.map(({ field, email }) => ({ field, email }))).toEqual([
      { field: 'EMAIL3', email: 'lists.other@example.com' },
    ]);
    // Listing every slot keeps them all; a list outside the update mask changes nothing.
    await call('patch', `/rest/v2/contacts/${id}`, {
      query: { update_mask: ['phone_numbers'] },
      body: {
        phone_numbers: [
          { number: '+14155550111', field: 'PHONE1', type: 'Mobile' },
          { number: '+14155550113', field: 'PHONE2', type: 'Mobile' },
        ],
        email_addresses: [],
      },
      expectStatus: 200,
    });
    after = await read();
    expect(after.phone_numbers.map((p) => p.field)).toEqual(['PHONE1', 'PHONE2']);
    expect(after.email_addresses.map((e) => e.email)).toEqual(['lists.other@example.com']);
    // Create-or-update by email (duplicate_option) takes the lists the same way.
    await call('post', '/rest/v2/contacts', {
      query: { duplicate_option: 'Email' },
      body: {
        email_addresses: [{ email: 'lists.other@example.com', field: 'EMAIL3' }],
        phone_numbers: [{ number: '+14155550114', field: 'PHONE3' }],
      },
      expectStatus: 200,
    });
    after = await read();
    expect(after.phone_numbers.map(({ field, number }) => ({ field, number }))).toEqual([
      { field: 'PHONE3', number: '+14155550114' },
    ]);
    // An empty list removes every item.
    await call('patch', `/rest/v2/contacts/${id}`, {
      query: { update_mask: ['phone_numbers'] },
      body: { phone_numbers: [] },
      expectStatus: 200,
    });
    expect((await read()).phone_numbers).toEqual([]);
  });

  it('keeps fax numbers and the three addresses (Zip+4 included), each list replaced whole by an update', async () => {
    const created = await call('post', '/rest/v2/contacts', {
      body: {
        email_addresses: [{ email: 'fax@example.com', field: 'EMAIL1' }],
        fax_numbers: [
          { number: '5550101', field: 'FAX1', type: 'Work' },
          { number: '5550102', field: 'FAX2' },
        ],
        addresses: [
          { field: 'BILLING', line1: '1 Main St', postal_code: '85001', zip_four: '1234' },
          { field: 'SHIPPING', line1: '2 Dock Rd', locality: 'Mesa' },
          { field: 'OTHER', line1: '3 Side St' },
        ],
      },
      expectStatus: 201,
    });
    const id = created.body.id as string;
    const read = async () =>
      (
        await call('get', `/rest/v2/contacts/${id}`, {
          query: { fields: 'id,fax_numbers,addresses' },
          expectStatus: 200,
        })
      ).body;
    expect(await read()).toEqual({
      id,
      fax_numbers: [
        { number: '5550101', field: 'FAX1', type: 'Work' },
        { number: '5550102', field: 'FAX2' },
      ],
      addresses: [
        { field: 'BILLING', line1: '1 Main St', postal_code: '85001', zip_four: '1234' },
        { field: 'SHIPPING', line1: '2 Dock Rd', locality: 'Mesa' },
        { field: 'OTHER', line1: '3 Side St' },
      ],
    });
    // Fax numbers are optional properties: left out unless asked for.
    expect(
      (await call('get', `/rest/v2/contacts/${id}`, { expectStatus: 200 })).body,
    ).not.toHaveProperty('fax_numbers');
    await call('patch', `/rest/v2/contacts/${id}`, {
      query: { update_mask: ['fax_numbers', 'addresses'] },
      body: {
        fax_numbers: [{ number: '5550199', field: 'FAX2' }],
        addresses: [{ field: 'SHIPPING', line1: '9 New Rd' }],
      },
      expectStatus: 200,
    });
    expect(await read()).toEqual({
      id,
      fax_numbers: [{ number: '5550199', field: 'FAX2' }],
      addresses: [{ field: 'SHIPPING', line1: '9 New Rd' }],
    });
    // A slot the spec does not have (a request the spec itself refuses, so sent as it is).
    const bad = await request(app)
      .patch(`/crm/rest/v2/contacts/${id}`)
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ fax_numbers: [{ number: '5550100', field: 'FAX3' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/fax_numbers.field must be one of FAX1, FAX2/);
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

  it('reads many contacts in one list call with ids==, leaving out ids it does not have, and refuses ids that are not numbers', async () => {
    const everyone = await call('get', '/rest/v2/contacts', {
      query: { order_by: 'id asc', fields: 'id,given_name' },
      expectStatus: 200,
    });
    const [first, second] = everyone.body.contacts as { id: string; given_name: string }[];
    const fields = 'id,given_name,family_name,email_addresses,phone_numbers,custom_fields,company';
    const batch = await call('get', '/rest/v2/contacts', {
      // As the client asks: one page as large as the ids, an id that does not exist among them.
      query: {
        filter: `ids==${second!.id},999999,${first!.id}`,
        fields,
        order_by: 'id asc',
        page_size: '3',
      },
      expectStatus: 200,
    });
    expect(batch.body.contacts.map((c: { id: string }) => c.id)).toEqual([first!.id, second!.id]);
    expect(batch.body.contacts[0].given_name).toBe(first!.given_name);
    expect(batch.body.next_page_token).toBe('');
    // The other filters still narrow it.
    const narrowed = await call('get', '/rest/v2/contacts', {
      query: { filter: `ids==${first!.id},${second!.id};given_name==${second!.given_name}` },
      expectStatus: 200,
    });
    expect(narrowed.body.contacts.map((c: { id: string }) => c.id)).toEqual([second!.id]);
    for (const filter of [`ids==${first!.id},abc`, 'ids==', `ids>${first!.id}`]) {
      const refused = await call('get', '/rest/v2/contacts', {
        query: { filter },
        expectStatus: 400,
      });
      expect(refused.body).toEqual(
        expect.objectContaining({
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: expect.any(String),
        }),
      );
    }
  });

  it('applies one tag to many contacts in one call, answering each: SUCCESS, DUPLICATE, or FAILURE for no such contact or one Keap refuses', async () => {
    const tag = await call('post', '/rest/v2/tags', {
      body: { name: 'Replied' },
      expectStatus: 201,
    });
    const everyone = await call('get', '/rest/v2/contacts', {
      query: { order_by: 'id asc', fields: 'id' },
      expectStatus: 200,
    });
    const [a, b, c] = (everyone.body.contacts as { id: string }[]).map((x) => x.id);
    const path = `/rest/v2/tags/${tag.body.id}/contacts:applyTags`;
    await call('post', path, { body: { contact_ids: [a] }, expectStatus: 200 });
    // The test hook: Keap refuses the next apply to c (of this tag) for c alone.
    await request(app)
      .post(`/sandbox/keap/tenants/${DEMO_TENANT_ID}/tag-refusals`)
      .send({ contactId: c, tagId: tag.body.id })
      .expect(200);
    const many = await call('post', path, {
      body: { contact_ids: [a, b, c, '999999'] },
      expectStatus: 200,
    });
    expect(many.body).toEqual({
      results: { [a!]: 'DUPLICATE', [b!]: 'SUCCESS', [c!]: 'FAILURE', '999999': 'FAILURE' },
    });
    const tagged = (id: string) => keap.tagsOf(keap.tenant(DEMO_TENANT_ID), id).map((t) => t.name);
    expect([tagged(a!), tagged(b!), tagged(c!)]).toEqual([['Replied'], ['Replied'], []]);
    // Refused once: the retry of that contact alone applies it.
    const retry = await call('post', path, { body: { contact_ids: [c] }, expectStatus: 200 });
    expect(retry.body.results).toEqual({ [c!]: 'SUCCESS' });
    expect(tagged(c!)).toEqual(['Replied']);
  });

  it("refuses a request line over 7,168 bytes with the API gateway's 414, before any quota is spent", async () => {
    const ids = Array.from({ length: 1200 }, (_, i) => String(100_000 + i)).join(',');
    const before = keap.callCounts().total;
    const res = await request(app)
      .get('/crm/rest/v2/contacts')
      .query({ filter: `ids==${ids}` })
      .set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(414);
    expect(res.body).toEqual({
      fault: {
        faultstring: 'request line size exceeding 7,168',
        detail: { errorcode: 'protocol.http.TooBigLine' },
      },
    });
    expect(keap.callCounts().total).toBe(before);
  });

  it('achieves an API goal by integration and call name, and refuses what the spec forbids', async () => {
    const contacts = await call('get', '/rest/v2/contacts', {
      query: { filter: 'email==grace@example.com' },
      expectStatus: 200,
    });
    const contactId = Number(contacts.body.contacts[0].id);
    const achieved = await call('post', '/rest/v2/automations/goals/achieve', {
      body: { integration: 'smsSequences', call_name: 'booked', contact_id: contactId },
      expectStatus: 200,
    });
    expect(achieved.body.results).toEqual([
      expect.objectContaining({ success: true, message: 'Goal achieved successfully' }),
    ]);
    // Either pair, never both; contact_id always; the contact must exist.
    for (const body of [
      { integration: 'smsSequences', contact_id: contactId },
      { integration: 'a', call_name: 'b', automation_id: 1, goal_id: 2, contact_id: contactId },
    ])
      await call('post', '/rest/v2/automations/goals/achieve', { body, expectStatus: 400 });
    // Without contact_id the request breaks the spec itself: sent as is, answered in its Error shape.
    const noContact = await request(app)
      .post('/crm/rest/v2/automations/goals/achieve')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ integration: 'smsSequences', call_name: 'booked' });
    expect(noContact.status).toBe(400);
    expect(
      contract?.responseProblems(
        { method: 'post', path: '/crm/rest/v2/automations/goals/achieve' },
        400,
        noContact.body,
      ) ?? [],
    ).toEqual([]);
    await call('post', '/rest/v2/automations/goals/achieve', {
      body: { integration: 'smsSequences', call_name: 'booked', contact_id: 999_999 },
      expectStatus: 404,
    });
    await call('post', '/rest/v2/automations/goals/achieve', {
      body: { automation_id: 12, goal_id: 3, contact_id: contactId },
      expectStatus: 200,
    });
    expect(keap.goalsOf(keap.tenant(DEMO_TENANT_ID), String(contactId))).toEqual([
      expect.objectContaining({ integration: 'smsSequences', call_name: 'booked' }),
      expect.objectContaining({ automation_id: 12, goal_id: 3, integration: null }),
    ]);
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
    // Keap's API gateway answers before the v2 service: its fault object, not the spec's Error.
    expect(res.body).toEqual({
      fault: {
        faultstring: 'Invalid Access Token',
        detail: { errorcode: 'keymanagement.service.invalid_access_token' },
      },
    });
  });

  describe('throttling, as Keap documents it', () => {
    const tags = () =>
      request(app).get('/crm/rest/v2/tags').set('Authorization', `Bearer ${accessToken}`);

    it('answers 429 past the per-minute throttle with the v2 body and the quota headers, and no Retry-After', async () => {
      keap.setQuotas({ appPerMinute: 2 });
      await call('get', '/rest/v2/tags', { expectStatus: 200 });
      await call('get', '/rest/v2/tags', { expectStatus: 200 });
      const res = await tags();
      expect(res.status).toBe(429);
      expect(res.body).toEqual({
        code: '429',
        message: 'Quota Exceeded',
        status: 'Request Throttled',
      });
      expect(res.headers['x-keap-product-throttle-available']).toBe('0');
      expect(res.headers['retry-after']).toBeUndefined();
      // The day quota's expiry is the next 00:00 UTC, in epoch milliseconds.
      const nextMidnight = (Math.floor(keap.now() / 86_400_000) + 1) * 86_400_000;
      expect(res.headers['x-keap-product-quota-expiry-time']).toBe(String(nextMidnight));
    });

    it('sends only the headers Keap documents (no throttle expiry, no tenant day quota)', async () => {
      const res = await tags();
      const names = Object.keys(res.headers).filter((h) => h.startsWith('x-keap-'));
      expect(names.sort()).toEqual(
        [
          'x-keap-product-spike-limit',
          ...['limit', 'time-unit', 'interval', 'available', 'used'].flatMap((f) => [
            `x-keap-product-throttle-${f}`,
            `x-keap-product-quota-${f}`,
            `x-keap-tenant-throttle-${f}`,
          ]),
          'x-keap-product-quota-expiry-time',
          'x-keap-tenant-id',
        ].sort(),
      );
      expect(res.headers['x-keap-tenant-id']).toBe(`${DEMO_TENANT_ID}.infusionsoft.com`);
    });

    it('rolls the minute window: a call counts for one minute after it was made', async () => {
      keap.setQuotas({ appPerMinute: 2 });
      expect((await tags()).status).toBe(200);
      keap.advanceClock(40_000);
      expect((await tags()).status).toBe(200);
      keap.advanceClock(10_000); // 50 s after the first call: both still count
      expect((await tags()).status).toBe(429);
      keap.advanceClock(10_001); // the first call has left the window, the second has not
      const next = await tags();
      expect(next.status).toBe(200);
      expect(next.headers['x-keap-product-throttle-used']).toBe('2');
      expect((await tags()).status).toBe(429);
    });

    it('resets the day quota at 00:00 UTC, not 24 hours after the first call', async () => {
      keap.setQuotas({ appPerDay: 1 });
      const untilMidnight = 86_400_000 - (keap.now() % 86_400_000);
      expect((await tags()).status).toBe(200);
      expect((await tags()).status).toBe(429);
      keap.advanceClock(untilMidnight);
      expect((await tags()).status).toBe(200);
    });

    it('can add Retry-After and answer in the gateway’s fault shape when asked', async () => {
      const style = await request(app)
        .put('/sandbox/keap/throttle-style')
        .send({ retryAfter: true, body: 'fault' });
      expect(style.body).toEqual({ retryAfter: true, body: 'fault' });
      keap.setQuotas({ appPerMinute: 1 });
      await tags();
      const res = await tags();
      expect(res.status).toBe(429);
      expect(res.body.fault.detail.errorcode).toBe('policies.ratelimit.QuotaViolation');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(
        (await request(app).put('/sandbox/keap/throttle-style').send({ body: 'xml' })).status,
      ).toBe(400);
    });
  });

  it('refuses a contact with only a name, as the spec says', async () => {
    const res = await call('post', '/rest/v2/contacts', {
      body: { given_name: 'Nameonly', family_name: 'Person' },
      expectStatus: 400,
    });
    expect(res.body.message).toMatch(/email_addresses, phone_numbers, or addresses/);
  });

  describeWithSpec('the spec checks would catch a drift', () => {
    const op = (method: string, path: string) => ({ method, path: `/crm/rest/v2${path}` });

    it('reports answers that are not the resource at all', () => {
      const c = contract!;
      expect(c.responseProblems(op('get', '/contacts/1'), 200, { hello: 'x' })).not.toEqual([]);
      expect(c.responseProblems(op('get', '/tags'), 200, { items: [] })).not.toEqual([]);
      expect(c.responseProblems(op('post', '/contacts/1/notes'), 201, { zzz: 1 })).not.toEqual([]);
    });

    it('reports a renamed field in a real answer (contacts → items, id → contact_id)', async () => {
      const c = contract!;
      const list = await call('get', '/rest/v2/contacts', {
        query: { filter: 'email==ada@example.com' },
        expectStatus: 200,
      });
      const { contacts, ...rest } = list.body as { contacts: Record<string, unknown>[] };
      expect(c.responseProblems(op('get', '/contacts'), 200, { ...rest, items: contacts })).toEqual(
        expect.arrayContaining([expect.stringContaining('(items)')]),
      );
      const { id, ...contact } = contacts[0]!;
      expect(
        c.responseProblems(op('get', `/contacts/${String(id)}`), 200, {
          ...contact,
          contact_id: id,
        }),
      ).toEqual(
        expect.arrayContaining([
          expect.stringContaining('(id)'),
          expect.stringContaining('(contact_id)'),
        ]),
      );
    });

    it('reports a request with an extra body property or query parameter', () => {
      const c = contract!;
      expect(
        c.requestProblems({
          ...op('post', '/tags'),
          body: { name: 'VIP', colour: 'gold' },
        }),
      ).toEqual([expect.stringContaining('(colour)')]);
      expect(
        c.requestProblems({ ...op('get', '/tags'), query: { page_size: '3', sort: 'name' } }),
      ).toEqual([expect.stringContaining('(sort)')]);
    });
  });
});
