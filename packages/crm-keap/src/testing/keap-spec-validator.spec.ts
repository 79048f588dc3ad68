import axios from 'axios';
import { haveKeapSpec, KeapSpecValidator } from './keap-spec-validator';

const describeWithSpec = haveKeapSpec ? describe : describe.skip;

/** The guard of the client tests must be able to fail, or it proves nothing. */
describeWithSpec('KeapSpecValidator', () => {
  it('flags requests the Keap spec does not allow, and passes one it does', async () => {
    const validator = await KeapSpecValidator.load();
    const http = axios.create({
      adapter: async (config) => ({ data: {}, status: 200, statusText: 'OK', headers: {}, config }),
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
    expect(validator.requests.map((r) => r.errors.length > 0)).toEqual([true, true, false]);
  });
});
