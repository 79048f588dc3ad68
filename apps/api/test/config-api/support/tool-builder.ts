import { newToolDefinition, type Step, type ToolDefinition } from '@sms-seq/engine';

export const SANDBOX_NUMBER = '+14155550100';

/** A tool ready to publish: keyword on the sandbox number, email first, one decision, then finish. */
export function aPublishableTool(name = 'Colour survey', keyword = 'COLOR'): ToolDefinition {
  const base = newToolDefinition(name);
  const ask: Step = {
    id: 'ask-colour',
    name: 'Favourite colour',
    message: 'Thanks ~Contact.FirstName~! Blue or red? Text STOP to stop.',
    mediaUrls: [],
    saveTo: null,
    validation: 'none',
    reaskMessage: '',
    next: {
      kind: 'decide',
      conditions: [
        { id: 'blue', kind: 'equals_any', values: ['*blue*'], tagId: null, nextStepId: 'thanks' },
        { id: 'red', kind: 'equals_any', values: ['red'], tagId: null, nextStepId: null },
      ],
      fallbackTagId: null,
      fallbackStepId: null,
    },
  };
  const thanks: Step = {
    ...ask,
    id: 'thanks',
    name: 'Thanks',
    message: 'Great choice.',
    next: { kind: 'finish' },
  };
  return {
    ...base,
    sender: { kind: 'phone_number', phoneNumber: SANDBOX_NUMBER },
    keyword,
    steps: [...base.steps, ask, thanks],
  };
}

/** The publishable tool whose colour step saves the reply to a field and tags "blue" answers. */
export function aToolThatTagsAndSaves(tagId: number, field = '_FavoriteColor'): ToolDefinition {
  const tool = aPublishableTool('Tags and fields', 'TAGS');
  return {
    ...tool,
    steps: tool.steps.map((step) =>
      step.id !== 'ask-colour' || step.next.kind !== 'decide'
        ? step
        : {
            ...step,
            saveTo: field,
            next: {
              ...step.next,
              conditions: step.next.conditions.map((c) => (c.id === 'blue' ? { ...c, tagId } : c)),
            },
          },
    ),
  };
}
