import request from 'supertest';
import { createSandbox } from '../app';
import { DEMO_TENANT_ID, SANDBOX_KEAP_CLIENT } from '.';

const REDIRECT_URI = 'http://127.0.0.1:9/cb';

/** The control API's read side, over HTTP as end-to-end tests and the demo use it. */
describe('Keap sandbox control API: what a test can read back', () => {
  const { app, keap } = createSandbox({ publicUrl: 'http://127.0.0.1:4010' });
  let token: string;
  const rest = (method: 'get' | 'post', path: string) =>
    request(app)[method](`/crm/rest/v2${path}`).set('Authorization', `Bearer ${token}`);
  const control = (path: string) => request(app).get(`/sandbox/keap${path}`);

  beforeAll(async () => {
    const code = keap.issueAuthorizationCode({
      clientId: SANDBOX_KEAP_CLIENT.clientId,
      redirectUri: REDIRECT_URI,
      tenantId: DEMO_TENANT_ID,
    });
    const tokens = await request(app).post('/token').type('form').send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: SANDBOX_KEAP_CLIENT.clientId,
      client_secret: SANDBOX_KEAP_CLIENT.clientSecret,
    });
    token = tokens.body.access_token;
  });

  it('shows the contacts, the tags applied and the notes written through the REST API', async () => {
    const [ada] = (await rest('get', '/contacts').query({ filter: 'email==ada@example.com' })).body
      .contacts;
    const tag = (await rest('post', '/tags').send({ name: 'Texted BLUE' })).body;
    await rest('post', `/tags/${tag.id}/contacts:applyTags`)
      .send({ contact_ids: [ada.id] })
      .expect(200);
    const user = (await rest('get', '/oauth/connect/userinfo')).body;
    await rest('post', `/contacts/${ada.id}/notes`)
      .send({ title: 'SMS: BLUE', text: 'Q: Blue? A: yes', user_id: user.sub })
      .expect(201);

    const contacts = await control(`/tenants/${DEMO_TENANT_ID}/contacts`).expect(200);
    expect(contacts.body.find((c: { id: string }) => c.id === ada.id)).toEqual(
      expect.objectContaining({
        given_name: 'Ada',
        family_name: 'Lovelace',
        emails: { EMAIL1: 'ada@example.com' },
        phones: { PHONE1: { number: '+14155550101', type: 'Mobile' } },
        custom_fields: { FavoriteColor: 'Blue', Budget: 1200 },
        tags: ['Texted BLUE'],
        notes: [expect.objectContaining({ title: 'SMS: BLUE', text: 'Q: Blue? A: yes' })],
      }),
    );

    const applied = await control(`/tenants/${DEMO_TENANT_ID}/contacts/${ada.id}/tags`).expect(200);
    expect(applied.body).toEqual([
      { id: tag.id, name: 'Texted BLUE', applied_time: expect.any(String) },
    ]);

    const tags = await control(`/tenants/${DEMO_TENANT_ID}/tags`).expect(200);
    expect(tags.body.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['SMS: Opted out', 'Interested', 'Texted BLUE']),
    );

    const notes = await control(`/tenants/${DEMO_TENANT_ID}/notes`).expect(200);
    expect(notes.body).toEqual([
      expect.objectContaining({ contact_id: ada.id, title: 'SMS: BLUE', text: 'Q: Blue? A: yes' }),
    ]);
  });

  it('lists the tenants, the custom fields, the limits and the calls counted', async () => {
    const tenants = await control('/tenants').expect(200);
    expect(tenants.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: DEMO_TENANT_ID, name: 'Demo Company' }),
      ]),
    );
    const fields = await control(`/tenants/${DEMO_TENANT_ID}/custom-fields`).expect(200);
    expect(fields.body.map((f: { field_name: string }) => f.field_name)).toEqual([
      'FavoriteColor',
      'Budget',
    ]);
    expect((await control('/quotas').expect(200)).body).toEqual(
      expect.objectContaining({ appPerMinute: 1500, appPerDay: 150_000 }),
    );
    const calls = await control('/calls').expect(200);
    expect(calls.body.total).toBeGreaterThan(0);
    expect(calls.body.byOperation).toEqual(expect.objectContaining({ listContacts: 1 }));
  });

  it('shows the goals achieved, per tenant, per contact and per phone', async () => {
    const [ada] = (await rest('get', '/contacts').query({ filter: 'email==ada@example.com' })).body
      .contacts;
    await rest('post', '/automations/goals/achieve')
      .send({ integration: 'smsSequences', call_name: 'booked', contact_id: Number(ada.id) })
      .expect(200);

    const inTenant = await control(`/tenants/${DEMO_TENANT_ID}/goals`).expect(200);
    expect(inTenant.body).toEqual([
      expect.objectContaining({
        contact_id: ada.id,
        integration: 'smsSequences',
        call_name: 'booked',
      }),
    ]);
    const contacts = await control(`/tenants/${DEMO_TENANT_ID}/contacts`).expect(200);
    expect(contacts.body.find((c: { id: string }) => c.id === ada.id).goals).toEqual([
      { integration: 'smsSequences', call_name: 'booked', achieved_time: expect.any(String) },
    ]);
    const byPhone = await control('/goals').query({ phone: '+14155550101' }).expect(200);
    expect(byPhone.body).toEqual([
      expect.objectContaining({ tenant_id: DEMO_TENANT_ID, call_name: 'booked' }),
    ]);
    expect((await control('/goals').query({ phone: '+14155550999' })).body).toEqual([]);
  });

  it('makes Keap refuse one contact of an apply, any tag or one tag, as many times as asked, until count 0', async () => {
    const [ada, grace] = (await rest('get', '/contacts').query({ order_by: 'id asc' })).body
      .contacts as { id: string }[];
    const tag = (await rest('post', '/tags').send({ name: 'Refused once' })).body;
    const other = (await rest('post', '/tags').send({ name: 'Other tag' })).body;
    const refusals = `/sandbox/keap/tenants/${DEMO_TENANT_ID}/tag-refusals`;
    const apply = async (tagId: string) =>
      (
        await rest('post', `/tags/${tagId}/contacts:applyTags`)
          .send({ contact_ids: [ada!.id, grace!.id] })
          .expect(200)
      ).body.results;

    await request(app)
      .post(refusals)
      .send({ contactId: ada!.id, tagId: tag.id, count: 2 })
      .expect(200, { contactId: ada!.id, tagId: tag.id, count: 2 });
    // Another tag is not refused; this one is, twice, for Ada alone.
    expect(await apply(other.id)).toEqual({ [ada!.id]: 'SUCCESS', [grace!.id]: 'SUCCESS' });
    expect(await apply(tag.id)).toEqual({ [ada!.id]: 'FAILURE', [grace!.id]: 'SUCCESS' });
    expect(await apply(tag.id)).toEqual({ [ada!.id]: 'FAILURE', [grace!.id]: 'DUPLICATE' });
    expect(await apply(tag.id)).toEqual({ [ada!.id]: 'SUCCESS', [grace!.id]: 'DUPLICATE' });

    // Without tagId, any tag; count 0 ends it.
    const third = (await rest('post', '/tags').send({ name: 'Third tag' })).body;
    await request(app).post(refusals).send({ contactId: grace!.id, count: 5 }).expect(200);
    await request(app).post(refusals).send({ contactId: grace!.id, count: 0 }).expect(200);
    expect(await apply(third.id)).toEqual({ [ada!.id]: 'SUCCESS', [grace!.id]: 'SUCCESS' });

    for (const bad of [{}, { contactId: 3 }, { contactId: 'x' }, { contactId: '3', count: -1 }]) {
      const res = await request(app).post(refusals).send(bad).expect(400);
      expect(res.body.message).toEqual(expect.stringMatching(/contactId|count/));
    }
    const badTag = await request(app)
      .post(refusals)
      .send({ contactId: '3', tagId: 'vip' })
      .expect(400);
    expect(badTag.body).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'tagId must be a tag id, e.g. "7", or left out for any tag',
    });
    await request(app).post(refusals).send({ contactId: '3', why: 'x' }).expect(400);
    await request(app)
      .post('/sandbox/keap/tenants/nope/tag-refusals')
      .send({ contactId: '3' })
      .expect(404);
  });

  it('answers an unknown tenant with 404', async () => {
    await control('/tenants/nope/contacts').expect(404);
  });
});
