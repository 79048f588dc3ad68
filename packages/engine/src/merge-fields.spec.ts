import { listMergeTokens, renderMergeFields } from './merge-fields';
import { aContact } from './testing/builders';

describe('merge fields', () => {
  const contact = aContact({ FirstName: 'Jo', _Color: 'blue', Age: 31, LastName: '' }, 7);

  it('fills in standard and custom fields', () => {
    expect(renderMergeFields('Hi ~Contact.FirstName~, you like ~Contact._Color~!', contact)).toBe(
      'Hi Jo, you like blue!',
    );
  });

  it('renders numbers and the contact id', () => {
    expect(renderMergeFields('~Contact.Age~ / ~Contact.Id~', contact)).toBe('31 / 7');
  });

  it('renders unknown, empty and missing fields as empty text, never the raw token', () => {
    expect(renderMergeFields('[~Contact.Nope~][~Contact.LastName~][~Contact.City~]', contact)).toBe(
      '[][][]',
    );
  });

  it('renders tokens of other objects empty', () => {
    expect(renderMergeFields('From ~Owner.FirstName~.', contact)).toBe('From .');
  });

  it('renders everything empty before the contact is known', () => {
    expect(renderMergeFields('Hi ~Contact.FirstName~', { id: null, fields: {} })).toBe('Hi ');
    expect(renderMergeFields('Hi ~Contact.Id~', { id: null, fields: {} })).toBe('Hi ');
    expect(renderMergeFields('Hi ~Contact.FirstName~', null)).toBe('Hi ');
  });

  it('leaves tildes that are not tokens alone', () => {
    expect(renderMergeFields('~5 minutes~ or ~ Contact.FirstName ~', contact)).toBe(
      '~5 minutes~ or ~ Contact.FirstName ~',
    );
  });

  it('lists the tokens a message uses', () => {
    expect(listMergeTokens('Hi ~Contact.FirstName~ ~Contact._Color~ ~Owner.Email~')).toEqual([
      { token: '~Contact.FirstName~', object: 'Contact', field: 'FirstName', index: 3 },
      { token: '~Contact._Color~', object: 'Contact', field: '_Color', index: 23 },
      { token: '~Owner.Email~', object: 'Owner', field: 'Email', index: 40 },
    ]);
    expect(listMergeTokens('no tokens')).toEqual([]);
  });
});
