import { aTool, replyMatching } from '../../test/runtime/builders';
import type { FieldOption, TagOption } from '../keap/pickers/keap-pickers.service';
import { keapNamesOf, planImport } from './tool-file';

/** Tags 11 (VIP), 12 (Cold) and opt-out 13; custom fields _Budget and _Color. */
const tool = aTool({
  steps: [
    {
      id: 'ask',
      message: 'Your ~Contact._Color|favourite~ budget? Text STOP to stop.',
      saveTo: '_Budget',
      next: replyMatching(['*yes*'], { tagId: 11, nextStepId: null }, { tagId: 12 }),
    },
  ],
  options: { optOutTagId: 13 },
});
const fromA = {
  app: 'aa111',
  tags: { '11': 'VIP', '12': 'Cold', '13': 'SMS: Opted out' },
  fields: { _Budget: 'Budget', _Color: 'Favorite Color' },
};

const tag = (id: number, name: string): TagOption => ({ id, name, category: null });
const custom = (key: string, label: string): FieldOption => ({
  key,
  label,
  kind: 'text',
  custom: true,
});
const email: FieldOption = { key: 'Email', label: 'Email', kind: 'email', custom: false };

describe('a tool file between Keap apps', () => {
  it('names, on export, the tags and custom fields the tool uses, as its app calls them', () => {
    const names = keapNamesOf(
      tool,
      'aa111',
      [tag(11, 'VIP'), tag(12, 'Cold'), tag(13, 'SMS: Opted out'), tag(99, 'Unused')],
      [email, custom('_Budget', 'Budget'), custom('_Color', 'Favorite Color')],
    );
    expect(names).toEqual(fromA);
  });

  it('leaves out the names Keap could not give', () => {
    expect(keapNamesOf(tool, 'aa111', null, [custom('_Budget', 'Budget')])).toEqual({
      app: 'aa111',
      tags: {},
      fields: { _Budget: 'Budget' },
    });
  });

  const bKeap = {
    tags: [tag(21, 'vip'), tag(23, 'SMS: Opted out')],
    fields: [email, custom('_BudgetRange', 'budget'), custom('_Colour', 'Colour')],
  };

  it('maps tags by name and fields by label in any case; asks about a missing tag and an unmatched field', () => {
    const plan = planImport(tool, fromA, bKeap, {});
    expect(plan).toEqual({
      kind: 'ask',
      misses: { tags: true, fields: true },
      questions: {
        missingTags: ['Cold'],
        unmapped: [
          {
            field: '_Color',
            label: 'Favorite Color',
            candidates: [
              { key: '_BudgetRange', label: 'budget' },
              { key: '_Colour', label: 'Colour' },
            ],
          },
        ],
        mapped: [
          expect.objectContaining({ message: 'Tag "VIP" → your tag "vip".' }),
          expect.objectContaining({ message: 'Tag "SMS: Opted out" → your tag "SMS: Opted out".' }),
          expect.objectContaining({ message: 'Field "Budget" → your field "budget".' }),
        ],
      },
    });
  });

  it('offers only the matching fields when several have the label', () => {
    const plan = planImport(
      tool,
      fromA,
      { ...bKeap, fields: [...bKeap.fields, custom('_Budget2', 'Budget ')] },
      { createMissingTags: true, fieldMap: { _Color: '_Colour' } },
    );
    expect(plan.kind === 'ask' && plan.questions.unmapped).toEqual([
      {
        field: '_Budget',
        label: 'Budget',
        candidates: [
          { key: '_BudgetRange', label: 'budget' },
          { key: '_Budget2', label: 'Budget ' },
        ],
      },
    ]);
    // The tag is created only once every choice is made.
    expect(plan.kind === 'ask' && plan.questions.mapped).toContainEqual(
      expect.objectContaining({ message: 'Tag "Cold" will be created in this Keap app.' }),
    );
  });

  it('once answered: creates the missing tag, or leaves it out, and uses the field chosen', () => {
    const choices = { fieldMap: { _Color: '_Colour' } };
    const created = planImport(tool, fromA, bKeap, { ...choices, createMissingTags: true });
    expect(created).toMatchObject({
      kind: 'ready',
      tags: new Map<number, unknown>([
        [11, 21],
        [12, { create: 'Cold' }],
        [13, 23],
      ]),
      fields: new Map([
        ['_Color', '_Colour'],
        ['_Budget', '_BudgetRange'],
      ]),
      misses: { tags: true, fields: false },
    });
    const messages = created.kind === 'ready' ? created.mapped.map((m) => m.message) : [];
    expect(messages).toEqual([
      'Tag "VIP" → your tag "vip".',
      'Tag "Cold" → your tag "Cold" (created).',
      'Tag "SMS: Opted out" → your tag "SMS: Opted out".',
      'Field "Favorite Color" → your field "Colour".',
      'Field "Budget" → your field "budget".',
    ]);

    const leftOut = planImport(tool, fromA, bKeap, { ...choices, createMissingTags: false });
    expect(leftOut.kind === 'ready' && leftOut.tags.get(12)).toBeNull();
    expect(leftOut.kind === 'ready' && leftOut.mapped[1]?.message).toBe(
      'Tag "Cold" is left out: this Keap app has no tag of that name. Choose a tag in the editor.',
    );
  });

  it('leaves out a tag the file does not name, and keeps a field it does not label', () => {
    const plan = planImport(
      tool,
      { tags: { '11': 'VIP', '13': 'SMS: Opted out' }, fields: {} },
      bKeap,
      {},
    );
    expect(plan).toMatchObject({ kind: 'ready', misses: { tags: false, fields: false } });
    if (plan.kind !== 'ready') return;
    expect(plan.tags.get(12)).toBeNull();
    expect(plan.fields.get('_Color')).toBe('_Color');
    expect(plan.mapped.map((m) => m.message)).toContain(
      'Field "_Color" is not in this Keap app yet: create it in Keap, or choose another field in the editor.',
    );
    expect(plan.mapped.map((m) => m.message)).toContain(
      'A tag the file does not name (number 12 in the other Keap app) is left out. Choose a tag in the editor.',
    );
  });
});
