import fc from 'fast-check';
import type { ContactSnapshot, ConversationEvent } from '../conversation.types';
import {
  toolDefinitionSchema,
  type Condition,
  type Next,
  type Operand,
  type ToolDefinition,
} from '../tool.schema';
import { T0, minutesAfter } from './builders';

/**
 * fast-check arbitraries for the property tests: tools of every shape the schema allows, including
 * the ones a marketer gets wrong (conditions that can never match, catch-alls, reserved words,
 * duplicate step ids, references to nowhere), contacts and events.
 */

const tagId = fc.option(fc.integer({ min: 1, max: 5 }), { nil: null });
const op = fc.constantFrom('lt' as const, 'lte' as const, 'gt' as const, 'gte' as const);

/** Contact fields a condition may compare with; `_Missing` is never set on generated contacts. */
export const FIELD_OPERANDS = ['_Num', '_Missing', 'FirstName'] as const;

const operand: fc.Arbitrary<Operand> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      source: fc.constant('static' as const),
      value: fc.integer({ min: -5, max: 20 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      source: fc.constant('field' as const),
      field: fc.constantFrom(...FIELD_OPERANDS),
    }),
  },
);

/**
 * Words a marketer might list: plain, wildcards, catch-alls, reserved words, blanks, numbers, and
 * words typed with punctuation, quotes or emoji around them.
 */
const conditionValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'yes',
      'Yes please',
      '*yes*',
      'no*',
      '*',
      '**',
      '*a*b*',
      '$5.00?',
      '7',
      'cancel',
      'STOP',
      'stop*',
      'help',
      'Info',
      'start',
      ' ',
      '',
      'No!',
      '“Yes”',
      'yes 👍',
      '*?',
      '👍',
      'stop!',
      '-7',
      '"*"',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);

function conditionArbitrary(target: fc.Arbitrary<string | null>): fc.Arbitrary<Condition> {
  const inequality = fc.record({ op, value: operand });
  return fc
    .oneof(
      fc.record({
        kind: fc.constant('equals_any' as const),
        values: fc.array(conditionValue, { maxLength: 3 }),
      }),
      fc.record({ kind: fc.constant('compare' as const), op, value: operand }),
      fc.record({ kind: fc.constant('between' as const), first: inequality, second: inequality }),
      // A range no number is in, e.g. "more than 10 and less than 5".
      fc.record({
        kind: fc.constant('between' as const),
        first: fc.record({
          op: fc.constantFrom('gt' as const, 'gte' as const),
          value: fc.constant({ source: 'static' as const, value: 10 }),
        }),
        second: fc.record({
          op: fc.constantFrom('lt' as const, 'lte' as const),
          value: fc.constant({ source: 'static' as const, value: 5 }),
        }),
      }),
    )
    .chain((shape) =>
      fc
        .record({ id: fc.constantFrom('c1', 'c2', 'c3'), tagId, nextStepId: target })
        .map((rest) => ({ ...shape, ...rest }) as Condition),
    );
}

export interface ToolShape {
  /** Step ids may repeat (a validation error the machine must survive). */
  duplicateIds?: boolean;
}

/** Any schema-valid tool of 1–6 steps; references mostly point at steps, sometimes at nothing. */
export function toolArbitrary(shape: ToolShape = {}): fc.Arbitrary<ToolDefinition> {
  return fc.integer({ min: 1, max: 6 }).chain((count) => {
    const ids = Array.from({ length: count }, (_, i) => `s${i}`);
    const target = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...ids) },
      { weight: 3, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constant('ghost') },
    );
    const next: fc.Arbitrary<Next> = fc.oneof(
      { weight: 1, arbitrary: fc.constant({ kind: 'next' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'finish' as const }) },
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('decide' as const),
          conditions: fc.array(conditionArbitrary(target), { maxLength: 4 }),
          fallbackTagId: tagId,
          fallbackStepId: target,
        }),
      },
    );
    const stepId = (index: number) =>
      shape.duplicateIds === true
        ? fc.oneof(
            { weight: 3, arbitrary: fc.constant(ids[index]!) },
            { weight: 1, arbitrary: fc.constantFrom(...ids) },
          )
        : fc.constant(ids[index]!);
    const step = (index: number) =>
      fc.record({
        id: stepId(index),
        message: fc.constantFrom(
          'Hi ~Contact.FirstName~. Text STOP to stop.',
          'Text STOP to stop',
          'Your number: ~Contact._Num~ ~Owner.X~',
          'Hi ~Contact.First Name~ ~contact.firstname~ ~Contact._1st~ ~Contact.~ ~Contact.LastName',
          'Pick one',
          '',
        ),
        mediaUrls: fc.oneof(
          { weight: 4, arbitrary: fc.constant([]) },
          { weight: 1, arbitrary: fc.constant(['https://x.test/a.png']) },
          {
            weight: 1,
            arbitrary: fc.constant(['https://x.test/a.png', 'https://x.test/clip.mp4']),
          },
        ),
        saveTo: fc.constantFrom(null, 'Email', '_Num', 'FirstName'),
        validation: fc.constantFrom('none' as const, 'email' as const, 'number' as const),
        reaskMessage: fc.constantFrom('', 'Try again, ~Contact.FirstName~', '~Contact.~ again?'),
        next,
      });
    return fc
      .record({
        steps: fc.tuple(...ids.map((_, index) => step(index))),
        collectEmailFirst: fc.boolean(),
        startMode: fc.constantFrom('keyword_or_http' as const, 'http_only' as const),
        sender: fc.oneof(
          fc.constant({ kind: 'phone_number' as const, phoneNumber: '+15005550006' }),
          fc.constant({ kind: 'messaging_service' as const, messagingServiceSid: 'MG0123' }),
        ),
        options: fc.record({
          maxReasks: fc.integer({ min: 0, max: 3 }),
          expiryMinutes: fc.integer({ min: 1, max: 300 }),
          reminderMinutesBeforeExpiry: fc.option(fc.integer({ min: 1, max: 400 }), { nil: null }),
          reminderMessage: fc.constantFrom(
            '',
            'Still there, ~Contact.FirstName~?',
            '~Contact._Num',
          ),
          createNote: fc.boolean(),
          optOutTagId: tagId,
          invalidNumberTagId: tagId,
        }),
      })
      .map((input) => toolDefinitionSchema.parse({ name: 'Generated', keyword: 'GO', ...input }));
  });
}

/** A contact as Keap may hand it over: fields numeric, numeric text, other text, empty or absent. */
export const contactArbitrary: fc.Arbitrary<ContactSnapshot> = fc.record({
  id: fc.integer({ min: 1, max: 9 }),
  fields: fc.record(
    {
      _Num: fc.oneof(
        fc.integer({ min: -8, max: 25 }),
        fc.integer({ min: -8, max: 25 }).map((n) => `$${n}`),
        fc.constantFrom('', 'lots', null),
      ),
      FirstName: fc.constantFrom('Jo', '12', ''),
      Email: fc.constant('jo@example.com'),
    },
    { requiredKeys: [] },
  ),
});

export function eventArbitrary(minute: number): fc.Arbitrary<ConversationEvent> {
  const at = minutesAfter(T0, minute);
  const contact = fc.record({
    id: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
    fields: fc.dictionary(
      fc.constantFrom('_Num', 'FirstName', 'Email'),
      fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    ),
  });
  return fc.oneof(
    fc.constant({ type: 'start_keyword' as const, at, phone: '+14155550123' }),
    fc.record({
      type: fc.constant('start_http' as const),
      at: fc.constant(at),
      phone: fc.constant('+14155550123'),
      contact,
      startStepId: fc.constantFrom(undefined, null, 's0', 's1', 's5', 'ghost'),
    }),
    fc.record({
      type: fc.constant('reply' as const),
      at: fc.constant(at),
      text: fc.oneof(
        fc.constantFrom('yes', 'STOP', 'cancel', 'help', 'YES', '7', '$1,200', 'a@b.co', 'no', ''),
        fc.string(),
        fc.string({ unit: 'binary' }),
      ),
    }),
    fc.record({ type: fc.constant('contact_resolved' as const), at: fc.constant(at), contact }),
    fc.constantFrom(
      { type: 'opt_out' as const, at },
      { type: 'opt_in' as const, at },
      { type: 'tick' as const, at },
      { type: 'end' as const, at },
      { type: 'send_failed' as const, at, reason: 'invalid_number' as const },
      { type: 'send_failed' as const, at, reason: 'not_mobile' as const },
      { type: 'send_failed' as const, at, reason: 'unsubscribed' as const },
    ),
  );
}

/** 1–25 events, minutes apart (0–90), so reminders and expiry come up too. */
export const eventsArbitrary: fc.Arbitrary<ConversationEvent[]> = fc
  .array(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 25 })
  .chain((gaps) => {
    let minute = 0;
    return fc.tuple(...gaps.map((gap) => eventArbitrary((minute += gap))));
  });
