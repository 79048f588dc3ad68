import {
  requestEmailStep,
  type TagId,
  toolDefinitionSchema,
  type ToolDefinition,
  type ToolDefinitionInput,
} from '@sms-seq/engine';

/**
 * Ready sequences a marketer starts from. Tag ids differ in every Keap app, so a template names its
 * tags and is built with the ids the account's tags of those names have (`build`); fields are
 * standard Keap fields, which every app has.
 */
export interface ToolTemplate {
  id: string;
  name: string;
  description: string;
  build(tagId: (name: string) => TagId): ToolDefinitionInput;
}

/** Every template names these for its options: the tags the sandbox and most apps already use. */
const OPTED_OUT = 'SMS: Opted out';
const INVALID_NUMBER = 'SMS: Invalid number';

const options = (tagId: (name: string) => TagId, createNote: boolean) => ({
  createNote,
  optOutTagId: tagId(OPTED_OUT),
  invalidNumberTagId: tagId(INVALID_NUMBER),
});

/** A closing message: sent, then the conversation ends (no reply awaited). */
const closing = (id: string, name: string, message: string) => ({
  id,
  name,
  message,
  next: { kind: 'finish' as const },
});

const optIn: ToolTemplate = {
  id: 'sms-opt-in',
  name: 'SMS opt-in (email first)',
  description:
    'Contacts text JOIN to your number; the sequence asks for their email (so Keap finds the contact instead of making a duplicate), then their first name, and tags them as subscribed.',
  build: (tagId) => ({
    name: 'SMS opt-in (email first)',
    keyword: 'JOIN',
    collectEmailFirst: true,
    steps: [
      {
        ...requestEmailStep(),
        message:
          'Thanks for texting JOIN! Reply with your email address to get our news and offers by text. Msg & data rates may apply. Text STOP to stop.',
      },
      {
        id: 'first-name',
        name: 'First name',
        message: 'Got it, thanks! And what is your first name?',
        saveTo: 'FirstName',
        next: {
          kind: 'decide',
          conditions: [],
          fallbackTagId: tagId('SMS: Subscribed'),
          fallbackStepId: 'welcome',
        },
      },
      closing(
        'welcome',
        'Welcome',
        "You're in, ~Contact.FirstName|friend~! Watch for our next text. Reply STOP at any time to stop.",
      ),
    ],
    options: options(tagId, false),
  }),
};

const leadQualification: ToolTemplate = {
  id: 'lead-qualification',
  name: 'Lead qualification (budget ranges)',
  description:
    'Contacts text QUOTE; the sequence collects their email and business name, asks their monthly budget and tags them by range (under $1,000, $1,000 to $5,000, over $5,000) so the right follow-up campaign picks them up.',
  build: (tagId) => ({
    name: 'Lead qualification (budget ranges)',
    keyword: 'QUOTE',
    collectEmailFirst: true,
    steps: [
      {
        ...requestEmailStep(),
        message:
          'Thanks for your interest! To send your quote, reply with your email address. Text STOP to stop.',
      },
      {
        id: 'business',
        name: 'Business name',
        message: 'Thanks! What is the name of your business?',
        saveTo: 'Company',
      },
      {
        id: 'budget',
        name: 'Monthly budget',
        message:
          'And roughly what is your monthly budget, in dollars? Reply with a number, for example 2500.',
        validation: 'number',
        reaskMessage: 'Please reply with a number only, for example 2500.',
        next: {
          kind: 'decide',
          conditions: [
            {
              id: 'under-1000',
              kind: 'compare',
              op: 'lt',
              value: { source: 'static', value: 1000 },
              tagId: tagId('Lead: Budget under $1,000'),
              nextStepId: 'starter',
            },
            {
              id: '1000-to-5000',
              kind: 'between',
              first: { op: 'gte', value: { source: 'static', value: 1000 } },
              second: { op: 'lte', value: { source: 'static', value: 5000 } },
              tagId: tagId('Lead: Budget $1,000 to $5,000'),
              nextStepId: 'growth',
            },
            {
              id: 'over-5000',
              kind: 'compare',
              op: 'gt',
              value: { source: 'static', value: 5000 },
              tagId: tagId('Lead: Budget over $5,000'),
              nextStepId: 'premium',
            },
          ],
          fallbackTagId: tagId('Lead: Budget not given'),
          fallbackStepId: 'talk-it-through',
        },
      },
      closing(
        'starter',
        'Under $1,000',
        'Thanks, ~Contact.FirstName|there~! Our starter package fits that budget: we will email you the details today.',
      ),
      closing(
        'growth',
        '$1,000 to $5,000',
        'Thanks, ~Contact.FirstName|there~! One of our team will call you within one business day to put a plan together.',
      ),
      closing(
        'premium',
        'Over $5,000',
        'Thanks, ~Contact.FirstName|there~! Our senior consultant will call you today to plan it with you.',
      ),
      closing(
        'talk-it-through',
        'No budget given',
        'No problem. One of our team will be in touch to talk it through with you.',
      ),
    ],
    options: options(tagId, true),
  }),
};

// CANCEL is an opt-out word: contacts are never asked to reply it.
const CONFIRM_WORDS = ['yes', 'y', 'yep', 'confirm', '*confirm*', 'c', 'ok', '*see you*'];
const RESCHEDULE_WORDS = [
  'r',
  '*reschedule*',
  '*resched*',
  'no',
  'n',
  '*another time*',
  '*change*',
];

const appointmentConfirmation: ToolTemplate = {
  id: 'appointment-confirmation',
  name: 'Appointment confirmation (with reschedule)',
  description:
    'A Keap campaign starts it the day before an appointment. Contacts reply YES to confirm or R to reschedule; a reschedule asks for a better time (kept in the contact’s note) and tags the contact so your team calls back.',
  build: (tagId) => {
    const branches = (suffix: string) => [
      {
        id: `confirmed${suffix}`,
        kind: 'equals_any' as const,
        values: CONFIRM_WORDS,
        tagId: tagId('Appointment: Confirmed'),
        nextStepId: 'confirmed',
      },
      {
        id: `reschedule${suffix}`,
        kind: 'equals_any' as const,
        values: RESCHEDULE_WORDS,
        tagId: tagId('Appointment: Reschedule requested'),
        nextStepId: 'reschedule',
      },
    ];
    return {
      name: 'Appointment confirmation (with reschedule)',
      startMode: 'http_only',
      phoneField: 'Phone1',
      steps: [
        {
          id: 'confirm',
          name: 'Confirm or reschedule',
          message:
            'Hi ~Contact.FirstName|there~, this is a reminder of your appointment with us tomorrow. Reply YES to confirm or R to reschedule. Text STOP to stop.',
          next: { kind: 'decide', conditions: branches(''), fallbackStepId: 'not-sure' },
        },
        closing('confirmed', 'Confirmed', 'Great, you are confirmed. See you then!'),
        {
          id: 'reschedule',
          name: 'Reschedule',
          message: 'No problem. What day and time would suit you better?',
        },
        closing(
          'rescheduled',
          'Reschedule noted',
          'Thanks! We will be in touch shortly to confirm your new time.',
        ),
        {
          id: 'not-sure',
          name: 'Ask again',
          message:
            'Sorry, I did not catch that. Reply YES to confirm your appointment or R to reschedule.',
          next: {
            kind: 'decide',
            conditions: branches('-again'),
            fallbackTagId: tagId('Appointment: No answer'),
            fallbackStepId: 'call-you',
          },
        },
        closing('call-you', 'We will call', 'Thanks. We will give you a call to confirm.'),
      ],
      options: options(tagId, true),
    };
  },
};

const eventRsvp: ToolTemplate = {
  id: 'event-rsvp',
  name: 'Event RSVP (yes, no, maybe)',
  description:
    'A Keap campaign sends the invitation. Contacts reply YES, NO or MAYBE and are tagged by answer; those coming say how many people they bring. Change the event details in the first message.',
  build: (tagId) => {
    const answers = (suffix: string) => [
      // Maybe first: "not sure" must not read as a no.
      {
        id: `maybe${suffix}`,
        kind: 'equals_any' as const,
        values: ['maybe', 'm', '*maybe*', '*not sure*', 'perhaps', '*might*'],
        tagId: tagId('Event RSVP: Maybe'),
        nextStepId: 'maybe',
      },
      {
        id: `yes${suffix}`,
        kind: 'equals_any' as const,
        values: ['yes', 'y', 'yep', 'yeah', 'sure', '*yes*', '*count me in*', '*be there*'],
        tagId: tagId('Event RSVP: Yes'),
        nextStepId: 'guests',
      },
      {
        id: `no${suffix}`,
        kind: 'equals_any' as const,
        values: ['no', 'n', 'nope', 'no thanks', "*can't*", '*cannot*', '*not coming*'],
        tagId: tagId('Event RSVP: No'),
        nextStepId: 'not-coming',
      },
    ];
    return {
      name: 'Event RSVP (yes, no, maybe)',
      startMode: 'http_only',
      phoneField: 'Phone1',
      steps: [
        {
          id: 'invite',
          name: 'Invitation',
          message:
            'Hi ~Contact.FirstName|there~! You are invited to our Spring Open House on Thursday, May 14, 6 to 8 pm. Will you join us? Reply YES, NO or MAYBE. Text STOP to stop.',
          next: { kind: 'decide', conditions: answers(''), fallbackStepId: 'rsvp-again' },
        },
        {
          id: 'guests',
          name: 'How many guests',
          message: 'Wonderful! How many people are coming, including you? Reply with a number.',
          validation: 'number',
          reaskMessage: 'Please reply with a number, for example 2.',
        },
        closing(
          'see-you',
          'See you there',
          'Thank you, you are on the list. We will text you a reminder the day before.',
        ),
        closing(
          'not-coming',
          'Not coming',
          'Sorry you cannot make it. Thanks for letting us know!',
        ),
        closing('maybe', 'Maybe', 'No problem. We will check in again closer to the day.'),
        {
          id: 'rsvp-again',
          name: 'Ask again',
          message: 'Sorry, I did not catch that. Will you join us? Reply YES, NO or MAYBE.',
          next: { kind: 'decide', conditions: answers('-again'), fallbackStepId: null },
        },
      ],
      options: options(tagId, false),
    };
  },
};

const npsSurvey: ToolTemplate = {
  id: 'nps-survey',
  name: 'NPS survey (promoters, passives, detractors)',
  description:
    'A Keap campaign asks how likely the contact is to recommend you, from 0 to 10. Scores of 9 to 10 are tagged promoters, 7 to 8 passives and 0 to 6 detractors, and each is asked one follow-up question (answers kept in the contact’s note).',
  build: (tagId) => {
    const range = (low: number, high: number) => ({
      kind: 'between' as const,
      first: { op: 'gte' as const, value: { source: 'static' as const, value: low } },
      second: { op: 'lt' as const, value: { source: 'static' as const, value: high } },
    });
    return {
      name: 'NPS survey (promoters, passives, detractors)',
      startMode: 'http_only',
      phoneField: 'Phone1',
      steps: [
        {
          id: 'score',
          name: 'Score 0 to 10',
          message:
            'Hi ~Contact.FirstName|there~, how likely are you to recommend us to a friend or colleague? Reply with a number from 0 (not at all) to 10 (extremely likely). Text STOP to stop.',
          validation: 'number',
          reaskMessage: 'Please reply with a number from 0 to 10.',
          next: {
            kind: 'decide',
            conditions: [
              {
                id: 'promoter',
                ...range(9, 10),
                second: { op: 'lte', value: { source: 'static', value: 10 } },
                tagId: tagId('NPS: Promoter'),
                nextStepId: 'promoter',
              },
              {
                id: 'passive',
                ...range(7, 9),
                tagId: tagId('NPS: Passive'),
                nextStepId: 'passive',
              },
              {
                id: 'detractor',
                ...range(0, 7),
                tagId: tagId('NPS: Detractor'),
                nextStepId: 'detractor',
              },
            ],
            fallbackStepId: 'thanks',
          },
        },
        {
          id: 'promoter',
          name: 'Promoter (9 to 10)',
          message: 'Thank you, that means a lot! What do you like most about working with us?',
        },
        closing(
          'promoter-thanks',
          'Promoter thanks',
          'Thanks so much! We would love it if you shared that in a review.',
        ),
        {
          id: 'passive',
          name: 'Passive (7 to 8)',
          message: 'Thanks! What is the one thing that would make us a 10 for you?',
        },
        closing('passive-thanks', 'Passive thanks', 'Thank you, we will put that to work.'),
        {
          id: 'detractor',
          name: 'Detractor (0 to 6)',
          message: 'We are sorry we fell short. What is the one thing we could do better?',
        },
        closing(
          'detractor-thanks',
          'Detractor thanks',
          'Thank you for telling us. Someone from our team will reach out to make it right.',
        ),
        closing('thanks', 'Thanks', 'Thanks for your reply!'),
      ],
      options: options(tagId, true),
    };
  },
};

export const TEMPLATES: readonly ToolTemplate[] = [
  optIn,
  leadQualification,
  appointmentConfirmation,
  eventRsvp,
  npsSurvey,
];

/** The template's tag names, in the order the definition first uses them. */
export function templateTagNames(template: ToolTemplate): string[] {
  const names: string[] = [];
  template.build((name) => {
    if (!names.includes(name)) names.push(name);
    return names.indexOf(name) + 1;
  });
  return names;
}

/** The definition with the account's tag ids (`tagIds` by name). */
export function buildTemplate(
  template: ToolTemplate,
  tagIds: ReadonlyMap<string, TagId>,
): ToolDefinition {
  return toolDefinitionSchema.parse(
    template.build((name) => {
      const id = tagIds.get(name);
      if (id === undefined) throw new Error(`No tag id for "${name}"`);
      return id;
    }),
  );
}
