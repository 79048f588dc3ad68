import axios from 'axios';
import { haveKeapSpec, KeapSpecValidator } from './support/keap-spec-validator';

const describeWithSpec = haveKeapSpec ? describe : describe.skip;

/** An axios instance whose "Keap" answers each path with the given body. */
function fakeKeap(answers: Record<string, unknown>) {
  return axios.create({
    adapter: async (config) => ({
      data: answers[new URL(config.url ?? '', 'http://keap.test').pathname] ?? {},
      status: 200,
      statusText: 'OK',
      headers: {},
      config,
    }),
  });
}

/** The guard of the client tests must be able to fail, or it proves nothing. */
describeWithSpec('KeapSpecValidator', () => {
  it('flags requests the Keap spec does not allow, and passes one it does', async () => {
    const validator = await KeapSpecValidator.load();
    const http = fakeKeap({
      '/crm/rest/v2/contacts/1': { id: '1', given_name: 'Ada' },
      '/crm/rest/v2/contacts': { contacts: [], next_page_token: '' },
    });
    validator.watch(http);
    await http.patch(
      'http://keap.test/crm/rest/v2/contacts/1',
      { given_name: 7 },
      { params: { update_mask: ['shoe_size'] }, paramsSerializer: { indexes: null } },
    );
    await http.get('http://keap.test/crm/rest/v2/contacts/1/shoes');
    await http.get('http://keap.test/crm/rest/v2/contacts', {
      params: { filter: 'email==a@b.co', fields: 'given_name,email_addresses' },
    });
    await http.post('http://keap.test/crm/rest/v2/tags', { name: 'VIP', colour: 'gold' });
    expect(validator.requests.map((r) => [r.path, r.errors.length > 0])).toEqual([
      ['/crm/rest/v2/contacts/1', true],
      ['/crm/rest/v2/contacts/1/shoes', true],
      ['/crm/rest/v2/contacts', false],
      ['/crm/rest/v2/tags', true], // a property createTag does not declare
    ]);
  });

  it('flags an answer whose fields were renamed', async () => {
    const validator = await KeapSpecValidator.load();
    const http = fakeKeap({ '/crm/rest/v2/tags': { items: [], next_page_token: '' } });
    validator.watch(http);
    await http.get('http://keap.test/crm/rest/v2/tags');
    expect(validator.failures().map((r) => r.path)).toEqual(['/crm/rest/v2/tags (response 200)']);
  });
});
