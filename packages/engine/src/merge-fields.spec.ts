import fc from 'fast-check';
import { listMergeTokens, renderMergeFields, scanMergeTokens } from './merge-fields';
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

  it('leaves tildes that do not start a merge field alone', () => {
    expect(renderMergeFields('back in ~5 minutes~, ~ U.S. only ~, a ~ b', contact)).toBe(
      'back in ~5 minutes~, ~ U.S. only ~, a ~ b',
    );
  });

  it.each([
    ['spaces in the name', 'Hi ~Contact.First Name~!', 'Hi !'],
    ['spaces around the object', 'Hi ~ Contact.FirstName ~!', 'Hi !'],
    ['a custom name that starts with a digit', 'Hi ~Contact._1st~!', 'Hi !'],
    ['another casing', 'Hi ~contact.firstname~ ~CONTACT.FirstName~!', 'Hi  !'],
    ['no field name', 'Hi ~Contact.~!', 'Hi !'],
    ['no closing tilde', 'Hi ~Contact.FirstName, welcome', 'Hi , welcome'],
    ['no opening tilde', 'Hi Contact.FirstName~, welcome', 'Hi , welcome'],
  ])('renders a misspelt merge field (%s) as empty text, never raw', (_case, message, shown) => {
    expect(renderMergeFields(message, contact)).toBe(shown);
  });

  it('still fills in the well-formed tokens next to a misspelt one', () => {
    expect(renderMergeFields('~Contact.FirstName ~Contact.FirstName~', contact)).toBe(' Jo');
    expect(renderMergeFields('~~Contact.FirstName~~', contact)).toBe('~Jo~');
  });

  it('tells what is wrong with a misspelt merge field and what was probably meant', () => {
    const scan = scanMergeTokens(
      '~Contact.First Name~ ~contact.firstname~ ~Contact._1st~ ~Contact.~ ~Contact.City, Contact.Email~ ~Contact._Color~',
    );
    expect(
      scan.malformed.map(({ token, reason, suggestion }) => [token, reason, suggestion]),
    ).toEqual([
      ['~Contact.First Name~', 'spaces', '~Contact.FirstName~'],
      ['~contact.firstname~', 'case', '~Contact.FirstName~'],
      ['~Contact._1st~', 'field_name', null],
      ['~Contact.~', 'no_field', null],
      ['~Contact.City', 'unclosed', '~Contact.City~'],
      ['Contact.Email~', 'unopened', '~Contact.Email~'],
    ]);
    expect(scan.tokens.map((token) => token.token)).toEqual(['~Contact._Color~']);
  });

  it('renders any text, whatever it holds', () => {
    for (const message of [
      '~',
      '~~~',
      '~Contact.',
      'Contact.~',
      '~Contact.~~',
      '\u0000~Contact.Id~',
    ])
      expect(typeof renderMergeFields(message, contact)).toBe('string');
    expect(
      renderMergeFields('~Contact.Id~ ~Contact.Age~', { id: null, fields: { Age: NaN } }),
    ).toBe(' ');
  });

  it('never sends a merge field as written, in any sentence around it', () => {
    const attempts = [
      '~Contact.FirstName~',
      '~Contact.First Name~',
      '~contact.firstname~',
      '~Contact._1st~',
      '~Contact.~',
      '~ Contact.City ~',
      '~Contact.City',
      'Contact.City~',
    ];
    const words = fc.constantFrom('Hi', 'Contact', 'Contact.', '~', '~5', ',', '.', 'FirstName');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...attempts), words), { maxLength: 10 }),
        (pieces) => {
          const message = pieces.join(' ');
          for (const shown of [
            renderMergeFields(message, contact),
            renderMergeFields(message, null),
          ]) {
            for (const attempt of attempts) expect(shown).not.toContain(attempt);
            expect(shown).not.toMatch(/~Contact\.|Contact\.[A-Za-z]+~/);
          }
        },
      ),
      { numRuns: 2000 },
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
