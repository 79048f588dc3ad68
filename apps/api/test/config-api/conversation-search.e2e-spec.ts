import request from 'supertest';
import { aPhone } from '../runtime/builders';
import { eventually, type RuntimeHarness, startRuntime } from '../runtime/runtime-harness';

/**
 * A marketer searches the conversations as people write phone numbers and names: Ada Lovelace
 * texts the keyword from +1 720 555 7707 and Grace Hopper from another number; each is found by
 * her number in any common form or by her name as Keap has it, and nobody else is.
 */
describe('conversation search by phone in any form and by name', () => {
  let h: RuntimeHarness;
  let browser: ReturnType<typeof request.agent>;
  const ada = '+17205557707';
  const grace = aPhone();

  const aKeapContact = (given: string, family: string, phone: string) => {
    const tenant = h.sandbox.keap.tenant('sb101');
    h.sandbox.keap.createContact(tenant, {
      given_name: given,
      family_name: family,
      phone_numbers: [{ number: phone, field: 'PHONE1' }],
    });
  };
  const found = async (query: string, param = 'q'): Promise<string[]> => {
    const res = await browser
      .get('/api/conversations')
      .query({ [param]: query })
      .expect(200);
    return res.body.items.map((item: { phone: string }) => item.phone);
  };

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    await h.publishedTool(accountId, {
      name: 'Colour',
      keyword: 'BLUE',
      collectEmailFirst: false,
      steps: [{ id: 'ask', name: 'Ask', message: 'Blue or red?', next: { kind: 'finish' } }],
    });
    browser = await h.signedIn(accountId);
    aKeapContact('Ada', 'Lovelace', ada);
    aKeapContact('Grace', 'Hopper', grace);
    for (const phone of [ada, grace]) {
      await h.text(phone, 'blue');
      await eventually(() => h.textsTo(phone).length === 1, `the first step to ${phone}`);
    }
    await eventually(
      async () => (await found('Lovelace')).length === 1,
      'the contact to be read from Keap',
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    '(720) 555-7707',
    '720-555-7707',
    '720.555.7707',
    '+1 720 555 7707',
    '1 (720) 555-7707',
    '17205557707',
    '+17205557707',
    '7205557707',
    '555-7707',
  ])('finds the conversation by the phone written %j', async (query) => {
    expect(await found(query)).toEqual([ada]);
  });

  it.each(['Ada', 'ada', 'LOVELACE', 'Ada Lovelace', 'lovelace ada', 'Lovelace, Ada', 'Lov'])(
    "finds the conversation by the contact's name %j",
    async (query) => {
      expect(await found(query)).toEqual([ada]);
    },
  );

  it('finds only the other contact by her name', async () => {
    expect(await found('grace hopper')).toEqual([grace]);
  });

  it.each(['(303) 555-0199', '555-9999', 'Babbage', 'Ada Hopper', '%', '_'])(
    'finds nothing for %j',
    async (query) => {
      expect(await found(query)).toEqual([]);
    },
  );

  it('keeps the phone filter: digits of a formatted number', async () => {
    expect(await found('(720) 555-7707', 'phone')).toEqual([ada]);
    expect(await found('+1 720 555 7707', 'phone')).toEqual([ada]);
  });

  it('refuses an empty search with a sentence', async () => {
    const res = await browser.get('/api/conversations').query({ q: '   ' }).expect(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_input',
      message: 'Type a phone number, a name or words from the texts to search for.',
      details: [expect.objectContaining({ path: ['q'] })],
    });
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());
});
