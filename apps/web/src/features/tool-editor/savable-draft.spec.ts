import { aTool } from '@sms-seq/engine/testing';
import { savableDraft } from './savable-draft';

const saved = aTool()
  .with({ name: 'Spring offer' })
  .withStep('ask', { name: 'Ask', message: 'Like blue? Text STOP to stop.' })
  .build();

/** The form's values as the editor holds them: the saved draft with some edits. */
const edited = (change: (draft: typeof saved) => void) => {
  const draft = structuredClone(saved);
  change(draft);
  return draft;
};

describe('the draft the autosave sends', () => {
  it('is the form as it is when the schema reads it, problems and all', () => {
    const values = edited((draft) => {
      draft.steps[0]!.message = '';
    });
    const result = savableDraft(values, saved);
    expect(result?.held).toEqual([]);
    expect(result?.draft.steps[0]?.message).toBe('');
  });

  it('keeps the saved tool name while the name is empty, and saves the other edits', () => {
    const values = edited((draft) => {
      draft.name = '';
      draft.steps[0]!.message = 'Like red? Text STOP to stop.';
    });
    const result = savableDraft(values, saved);
    expect(result?.draft.name).toBe('Spring offer');
    expect(result?.draft.steps[0]?.message).toBe('Like red? Text STOP to stop.');
    expect(result?.held.map((problem) => problem.path)).toEqual([['name']]);
  });

  it('keeps the saved expiry while the hours are cleared (NaN in the form)', () => {
    const values = edited((draft) => {
      draft.options.expiryMinutes = Number.NaN;
      draft.keyword = 'BLUE';
    });
    const result = savableDraft(values, saved);
    expect(result?.draft.options.expiryMinutes).toBe(saved.options.expiryMinutes);
    expect(result?.draft.keyword).toBe('BLUE');
    expect(result?.held.map((problem) => problem.path)).toEqual([['options', 'expiryMinutes']]);
  });

  it('leaves out a new step the schema cannot read, keeping the steps before it', () => {
    const values = edited((draft) => {
      draft.steps[0]!.message = 'Changed. Text STOP to stop.';
      draft.steps.push({ ...structuredClone(draft.steps[0]!), id: 'not an id' });
    });
    const result = savableDraft(values, saved);
    expect(result?.draft.steps.map((step) => step.id)).toEqual(['ask']);
    expect(result?.draft.steps[0]?.message).toBe('Changed. Text STOP to stop.');
    expect(result?.held).toHaveLength(1);
  });
});
