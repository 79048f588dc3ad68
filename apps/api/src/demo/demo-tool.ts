import { newToolDefinition, type ToolDefinition } from '@sms-seq/engine';

/** The try-it-now tool: text DEMO to the demo number; email first, a question with a branch, options set. */
export function demoToolDefinition(phoneNumber: string): ToolDefinition {
  const base = newToolDefinition('Demo: favourite colour');
  return {
    ...base,
    sender: { kind: 'phone_number', phoneNumber },
    keyword: 'DEMO',
    steps: [
      ...base.steps,
      {
        id: 'colour',
        name: 'Favourite colour',
        message: 'Thanks ~Contact.FirstName~! What is your favourite colour: blue or red?',
        mediaUrls: [],
        saveTo: null,
        validation: 'none',
        reaskMessage: '',
        next: {
          kind: 'decide',
          conditions: [
            {
              id: 'blue',
              kind: 'equals_any',
              values: ['*blue*'],
              tagId: null,
              nextStepId: 'blue-reply',
            },
            {
              id: 'red',
              kind: 'equals_any',
              values: ['*red*'],
              tagId: null,
              nextStepId: 'red-reply',
            },
          ],
          fallbackTagId: null,
          fallbackStepId: 'other-reply',
        },
      },
      {
        id: 'blue-reply',
        name: 'Blue',
        message: 'Blue it is, calm and cool. Thanks for trying the demo!',
        mediaUrls: [],
        saveTo: null,
        validation: 'none',
        reaskMessage: '',
        next: { kind: 'finish' },
      },
      {
        id: 'red-reply',
        name: 'Red',
        message: 'Red, bold choice! Thanks for trying the demo!',
        mediaUrls: [],
        saveTo: null,
        validation: 'none',
        reaskMessage: '',
        next: { kind: 'finish' },
      },
      {
        id: 'other-reply',
        name: 'Something else',
        message: 'Nice one. Thanks for trying the demo!',
        mediaUrls: [],
        saveTo: null,
        validation: 'none',
        reaskMessage: '',
        next: { kind: 'finish' },
      },
    ],
    options: { ...base.options, createNote: true, expiryMinutes: 60 },
  };
}
