import fc from 'fast-check';
import {
  listMergeTokens,
  mergeFieldsOfTool,
  mergeToken,
  MAX_FALLBACK_LENGTH,
  renderMergeFields,
  scanMergeTokens,
} from './merge-fields';
import { aContact, aTool } from './testing/builders';

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
      '',
    );
  });

  it('renders tokens of other objects empty', () => {
    expect(renderMergeFields('From ~Owner.FirstName~.', contact)).toBe('From.');
  });

  it('renders everything empty before the contact is known', () => {
    expect(renderMergeFields('Hi ~Contact.FirstName~', { id: null, fields: {} })).toBe('Hi');
    expect(renderMergeFields('Hi ~Contact.Id~', { id: null, fields: {} })).toBe('Hi');
    expect(renderMergeFields('Hi ~Contact.FirstName~', null)).toBe('Hi');
  });

  it('leaves tildes that do not start a merge field alone', () => {
    expect(renderMergeFields('back in ~5 minutes~, ~ U.S. only ~, a ~ b', contact)).toBe(
      'back in ~5 minutes~, ~ U.S. only ~, a ~ b',
    );
  });

  it.each([
    ['spaces in the name', 'Hi ~Contact.First Name~!', 'Hi!'],
    ['spaces around the object', 'Hi ~ Contact.FirstName ~!', 'Hi!'],
    ['a custom name that starts with a digit', 'Hi ~Contact._1st~!', 'Hi!'],
    ['another casing', 'Hi ~contact.firstname~ ~CONTACT.FirstName~!', 'Hi!'],
    ['no field name', 'Hi ~Contact.~!', 'Hi!'],
    ['no closing tilde', 'Hi ~Contact.FirstName, welcome', 'Hi, welcome'],
    ['no opening tilde', 'Hi Contact.FirstName~, welcome', 'Hi, welcome'],
  ])('renders a misspelt merge field (%s) as empty text, never raw', (_case, message, shown) => {
    expect(renderMergeFields(message, contact)).toBe(shown);
  });

  it('still fills in the well-formed tokens next to a misspelt one', () => {
    expect(renderMergeFields('~Contact.FirstName ~Contact.FirstName~', contact)).toBe('Jo');
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
    ).toBe('');
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

  describe('with missing data', () => {
    const nobody = aContact({ FirstName: '', LastName: '   ' });

    it.each([
      [
        'Thanks ~Contact.FirstName~! Will you come',
        'Thanks! Will you come',
        'Thanks Jo! Will you come',
      ],
      ['Hi ~Contact.FirstName~, welcome', 'Hi, welcome', 'Hi Jo, welcome'],
      ['Hi ~Contact.FirstName~ and welcome', 'Hi and welcome', 'Hi Jo and welcome'],
      ['Hi ~Contact.FirstName~ ~Contact.LastName~!', 'Hi!', 'Hi Jo!'],
      [
        '~Contact.FirstName~, your table is ready.',
        'your table is ready.',
        'Jo, your table is ready.',
      ],
      ['See you, ~Contact.FirstName~', 'See you', 'See you, Jo'],
      ['Thanks, ~Contact.FirstName~!', 'Thanks!', 'Thanks, Jo!'],
      [
        'Your table (~Contact.FirstName~) is ready',
        'Your table is ready',
        'Your table (Jo) is ready',
      ],
      ['Hi ~Contact.FirstName~\n~Contact.LastName~ Text STOP', 'Hi\nText STOP', 'Hi Jo\nText STOP'],
    ])('%p reads %p without the value, %p with it', (message, without, withValue) => {
      expect(renderMergeFields(message, nobody)).toBe(without);
      expect(renderMergeFields(message, null)).toBe(without);
      expect(renderMergeFields(message, aContact({ FirstName: 'Jo' }))).toBe(withValue);
    });

    it('leaves the spacing the marketer wrote away from empty fields as it is', () => {
      expect(renderMergeFields('Hi  there ~Contact.FirstName~ !  Bye', nobody)).toBe(
        'Hi  there!  Bye',
      );
      expect(renderMergeFields('Hi  there ,  no fields here', nobody)).toBe(
        'Hi  there ,  no fields here',
      );
    });

    it('shows the fallback written after | when the field is empty', () => {
      const message = 'Hi ~Contact.FirstName|there~! From ~Owner.FirstName|the team~.';
      expect(renderMergeFields(message, aContact({ FirstName: 'Jo' }))).toBe(
        'Hi Jo! From the team.',
      );
      for (const contact of [nobody, aContact({}), aContact({ FirstName: null }), null])
        expect(renderMergeFields(message, contact)).toBe('Hi there! From the team.');
      // An empty fallback is no fallback.
      expect(renderMergeFields('Hi ~Contact.FirstName|~!', nobody)).toBe('Hi!');
    });

    it('trims the value and the fallback so no stray space shows', () => {
      expect(renderMergeFields('Hi ~Contact.FirstName~!', aContact({ FirstName: ' Jo ' }))).toBe(
        'Hi Jo!',
      );
      expect(renderMergeFields('Hi ~Contact.FirstName| there ~!', nobody)).toBe('Hi there!');
    });

    it('reads an empty field as if it were not written, a filled one with its value in place', () => {
      // Sentences of words, some followed by punctuation; fields put between words or before a
      // word's punctuation, as a marketer writes them.
      const piece = fc.record({
        word: fc.constantFrom('Thanks', 'Hi', 'see', 'you', 'there', 'Will', 'come', '(soon)'),
        punctuation: fc.constantFrom('', '', '.', ',', '!', '?', ':'),
        fieldBefore: fc.boolean(),
        fieldInside: fc.boolean(),
      });
      fc.assert(
        fc.property(
          fc.array(piece, { minLength: 1, maxLength: 8 }),
          fc.boolean(),
          (pieces, last) => {
            const build = (field: string | null) => {
              const words = pieces.map(({ word, punctuation, fieldBefore, fieldInside }) => {
                const before = fieldBefore && field !== null ? `${field} ` : '';
                const inside = fieldInside && field !== null ? ` ${field}` : '';
                return `${before}${word}${inside}${punctuation}`;
              });
              if (last && field !== null) words.push(field);
              const text = words.join(' ');
              // "See you, ~Contact.FirstName~" reads "See you" without the name.
              return last && field === null ? text.replace(/,$/, '') : text;
            };
            const message = build('~Contact.FirstName~');
            expect(renderMergeFields(message, nobody)).toBe(build(null));
            expect(renderMergeFields(message, aContact({ FirstName: 'Jo' }))).toBe(build('Jo'));
            expect(renderMergeFields(build('~Contact.FirstName|Jo~'), nobody)).toBe(build('Jo'));
          },
        ),
        { numRuns: 2000 },
      );
    });
  });

  describe('fallbacks in tokens', () => {
    it('lists a token with its fallback, and tells the fix of a misspelt one with it', () => {
      expect(listMergeTokens('Hi ~Contact.FirstName|there~')).toEqual([
        {
          token: '~Contact.FirstName|there~',
          object: 'Contact',
          field: 'FirstName',
          fallback: 'there',
          index: 3,
        },
      ]);
      const scan = scanMergeTokens('~contact.firstname|there~ ~Contact.First Name|you~');
      expect(scan.tokens).toEqual([]);
      expect(scan.malformed.map(({ reason, suggestion }) => [reason, suggestion])).toEqual([
        ['case', '~Contact.FirstName|there~'],
        ['spaces', '~Contact.FirstName|you~'],
      ]);
    });

    it('writes a token with a fallback that cannot break it', () => {
      expect(mergeToken('FirstName')).toBe('~Contact.FirstName~');
      expect(mergeToken('FirstName', '  ')).toBe('~Contact.FirstName~');
      expect(mergeToken('FirstName', ' there ')).toBe('~Contact.FirstName|there~');
      expect(mergeToken('_Color', 'your ~fav~\ncolour')).toBe('~Contact._Color|your fav colour~');
      const long = mergeToken('FirstName', 'x'.repeat(200));
      expect(listMergeTokens(long)).toEqual([
        expect.objectContaining({ fallback: 'x'.repeat(MAX_FALLBACK_LENGTH) }),
      ]);
    });

    it('lists the contact fields a tool fills in, in every text it sends', () => {
      const tool = aTool()
        .withStep('a', {
          message: 'Hi ~Contact.FirstName|there~ ~Owner.Email~',
          reaskMessage: 'Again, ~Contact._Color~?',
        })
        .withStep('b', { message: '~Contact.FirstName~ ~Contact.Id~' })
        .withOptions({ reminderMessage: 'Still there, ~Contact.City~?' })
        .build();
      expect(mergeFieldsOfTool(tool)).toEqual(['FirstName', '_Color', 'Id', 'City']);
    });
  });
});
