import { keapReferencesOf, withKeapReferences } from './keap-references';
import { aTool, between, compareTo, decideBy, equalsAny, finish } from './testing/builders';

/** A tool that names its app's tags and custom fields in every place a tool can. */
const aToolUsingTagsAndFields = () =>
  aTool()
    .with({ phoneField: '_MobileNumber' })
    .withStep('budget', {
      message: 'Hi ~Contact.FirstName|there~, your ~Contact._Color~ budget? Text STOP to stop.',
      reaskMessage: 'A number please, ~Contact._Color|friend~.',
      saveTo: '_Budget',
      next: decideBy(
        [
          equalsAny(['none'], { tagId: 11 }),
          compareTo('gt', { field: '_Ceiling' }, { tagId: 12, goTo: 'bye' }),
          between(['gte', 10], ['lte', { field: '_Ceiling' }], { tagId: 11 }),
        ],
        { tagId: 13 },
      ),
    })
    .withStep('bye', { message: 'Bye', next: finish() })
    .withOptions({
      optOutTagId: 14,
      invalidNumberTagId: null,
      reminderMessage: 'Still there, ~Contact._Color~? ~Owner._Color~',
    })
    .build();

describe('the Keap tags and custom fields a tool names', () => {
  it('lists every tag id and custom field once, standard fields left out', () => {
    expect(keapReferencesOf(aToolUsingTagsAndFields())).toEqual({
      tagIds: [11, 12, 13, 14],
      customFieldKeys: ['_MobileNumber', '_Color', '_Budget', '_Ceiling'],
    });
  });

  it('replaces them everywhere, keeping merge-field fallbacks and leaving out tags mapped to none', () => {
    const tool = aToolUsingTagsAndFields();
    const moved = withKeapReferences(tool, {
      tags: new Map([
        [11, 21],
        [12, null],
        [13, 23],
      ]),
      fields: new Map([
        ['_Color', '_Colour'],
        ['_Ceiling', '_Limit'],
        ['_MobileNumber', 'Phone2'],
      ]),
    });
    const [budget] = moved.steps;
    expect(moved.phoneField).toBe('Phone2');
    expect(budget?.message).toBe(
      'Hi ~Contact.FirstName|there~, your ~Contact._Colour~ budget? Text STOP to stop.',
    );
    expect(budget?.reaskMessage).toBe('A number please, ~Contact._Colour|friend~.');
    expect(budget?.saveTo).toBe('_Budget');
    expect(budget?.next).toMatchObject({
      fallbackTagId: 23,
      conditions: [
        { tagId: 21 },
        { tagId: null, value: { source: 'field', field: '_Limit' } },
        {
          tagId: 21,
          first: { value: { source: 'static', value: 10 } },
          second: { value: { source: 'field', field: '_Limit' } },
        },
      ],
    });
    // Not in the map: kept. Another object's token is not a contact field.
    expect(moved.options.optOutTagId).toBe(14);
    expect(moved.options.reminderMessage).toBe('Still there, ~Contact._Colour~? ~Owner._Color~');
    expect(keapReferencesOf(tool).tagIds).toEqual([11, 12, 13, 14]);
  });

  it('gives back the same tool when the map names nothing', () => {
    const tool = aToolUsingTagsAndFields();
    expect(withKeapReferences(tool, {})).toEqual(tool);
  });
});
