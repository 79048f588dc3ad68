import { aPhone, aTool, keapContactsWithPhone } from '../runtime/builders';
import {
  type ConsoleBrowser,
  eventually,
  type RuntimeHarness,
  startRuntime,
  whenIdle,
} from '../runtime/runtime-harness';

/**
 * "+" beside the field picker creates a custom field in Keap (POST /api/keap/fields): the picker
 * lists it at once, a tool saving replies to it publishes, and a reply lands in it on the Keap
 * contact, with no further read of Keap's field model.
 */
describe('creating a Keap custom field from the editor', () => {
  let h: RuntimeHarness;
  let accountId: string;
  let browser: ConsoleBrowser;
  const modelReads = () => h.sandbox.keap.callCounts().byOperation.retrieveContactModel ?? 0;
  const fields = async () =>
    (await browser.get('/api/keap/fields').expect(200)).body.fields as {
      key: string;
      label: string;
      kind: string;
      custom: boolean;
    }[];

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
    browser = await h.signedIn(accountId);
  });
  afterAll(async () => {
    await h?.close();
  });

  const shoeTool = aTool({
    name: 'Shoes',
    keyword: 'SHOE',
    collectEmailFirst: false,
    steps: [
      {
        id: 'size',
        name: 'Size',
        message: 'What is your shoe size? Text STOP to stop.',
        saveTo: '_Shoesize',
        next: { kind: 'finish' },
      },
    ],
  });

  it('creates the field, lists it at once, publishes a tool saving to it, and saves a reply into it', async () => {
    expect((await fields()).map((f) => f.label)).not.toContain('Shoe size');
    expect(modelReads()).toBe(1);

    // A tool saving to a field Keap does not have is warned about it.
    const tool = (await browser.post('/api/tools').send({ name: 'Shoes' }).expect(201)).body;
    const unknownField = (detail: { problems: { code: string }[] }) =>
      detail.problems.filter((p) => p.code === 'unknown_field');
    const draft = await browser
      .put(`/api/tools/${tool.id}`)
      .send({ draft: shoeTool, draftRevision: 1 })
      .expect(200);
    expect(unknownField(draft.body)).toHaveLength(1);

    const created = await browser
      .post('/api/keap/fields')
      .send({ label: '  Shoe size ', type: 'number' })
      .expect(201);
    expect(created.body).toEqual({
      key: '_Shoesize',
      label: 'Shoe size',
      kind: 'number',
      custom: true,
    });
    expect(h.sandbox.keap.tenant('sb101').customFields).toContainEqual(
      expect.objectContaining({ label: 'Shoe size', field_type: 'WHOLE_NUMBER' }),
    );
    // In the picker at once, from the cached model: Keap's model was not read again.
    expect(await fields()).toContainEqual(created.body);
    expect(modelReads()).toBe(1);
    // The shared Keap budget counted the call for this account, as it does every Keap call.
    const budget = await browser.get('/api/keap/budget').expect(200);
    expect(budget.body.account.calls['fields.create']).toBe(1);

    // Known now: no warning, and it publishes.
    expect(unknownField((await browser.get(`/api/tools/${tool.id}`).expect(200)).body)).toEqual([]);
    await browser.post(`/api/tools/${tool.id}/publish`).expect(201);
    const phone = aPhone();
    await h.text(phone, 'shoe');
    await eventually(() => h.textsTo(phone).length === 1, 'the question');
    await h.text(phone, '42');
    const saved = await eventually(() => {
      const [contact] = keapContactsWithPhone(h.sandbox, phone);
      return contact?.custom.get(fieldId('Shoe size'));
    }, 'the shoe size saved in Keap');
    expect(saved).toBe(42);
    await whenIdle(h);
    expect(modelReads()).toBe(1);
  });

  it('creates a dropdown with its choices', async () => {
    const created = await browser
      .post('/api/keap/fields')
      .send({ label: 'Shirt size', type: 'dropdown', options: ['S', ' M ', 'L'] })
      .expect(201);
    expect(created.body).toMatchObject({ key: '_Shirtsize', kind: 'text' });
    const def = h.sandbox.keap.tenant('sb101').customFields.find((f) => f.label === 'Shirt size');
    expect(def?.options?.map((o) => o.label)).toEqual(['S', 'M', 'L']);
  });

  it('refuses a label the account already has, in plain words, without asking Keap', async () => {
    const before = h.sandbox.keap.callCounts().byOperation.createContactCustomField ?? 0;
    for (const label of ['shoe size', 'First Name']) {
      const res = await browser.post('/api/keap/fields').send({ label, type: 'text' }).expect(409);
      expect(res.body.error).toEqual({
        code: 'keap_field_exists',
        message: `There is already a field called “${label}”. Pick it from the list, or give the new field another name.`,
      });
    }
    expect(h.sandbox.keap.callCounts().byOperation.createContactCustomField ?? 0).toBe(before);
  });

  it('says so when Keap has a field of that label the list did not show yet, and lists it', async () => {
    // Made in Keap since the list was read.
    h.sandbox.keap.tenant('sb101').customFields.push({
      id: '990',
      label: 'Hat size',
      field_name: 'HatSize',
      field_type: 'TEXT',
      record_type: 'CONTACT',
    });
    const res = await browser
      .post('/api/keap/fields')
      .send({ label: 'Hat size', type: 'text' })
      .expect(409);
    expect(res.body.error.code).toBe('keap_field_exists');
    expect((await fields()).map((f) => f.label)).toContain('Hat size');
  });

  it('refuses what the console never offers with a sentence saying what to fix', async () => {
    const cases: [object, string][] = [
      [{ label: ' ', type: 'text' }, 'Name the new field.'],
      [{ label: 'Colour', type: 'colour' }, 'Choose what the new field holds'],
      [{ label: 'Size', type: 'dropdown' }, 'List the choices the new field offers'],
      [{ label: 'Size', type: 'dropdown', options: ['S', 's'] }, 'Each choice of the list'],
      [{ label: 'Age', type: 'number', options: ['1'] }, 'Only a field with a choice'],
    ];
    for (const [body, said] of cases) {
      const res = await browser.post('/api/keap/fields').send(body).expect(400);
      expect([body, res.body.error.code, res.body.error.message]).toEqual([
        body,
        'invalid_input',
        expect.stringContaining(said),
      ]);
    }
  });

  it('says Keap did not answer, and changes nothing, while Keap is down', async () => {
    h.sandbox.keap.failNextCalls(10, 503, { operations: ['createContactCustomField'] });
    try {
      const res = await browser
        .post('/api/keap/fields')
        .send({ label: 'Sock colour', type: 'text' })
        .expect(503);
      expect(res.body.error).toEqual({
        code: 'keap_unavailable',
        message: 'Keap did not answer. Nothing was changed; try again in a minute.',
      });
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      h.sandbox.keap.failNextCalls(0);
    }
    expect((await fields()).map((f) => f.label)).not.toContain('Sock colour');
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());

  function fieldId(label: string): string {
    return h.sandbox.keap.tenant('sb101').customFields.find((f) => f.label === label)?.id ?? '';
  }
});
