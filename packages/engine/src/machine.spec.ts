import type { ConversationState, Effect, Transition } from './conversation.types';
import { advance, answeredFinishStep, nextTickAt } from './machine';
import type { ToolDefinition } from './tool.schema';
import {
  T0,
  aContact,
  aConversation,
  aTool,
  compareTo,
  decideBy,
  equalsAny,
  finish,
  minutesAfter,
  nextMessage,
  type ToolBuilder,
} from './testing/builders';

const PHONE = '+14155550123';
const at = (minutes: number) => minutesAfter(T0, minutes);
const sent = (effects: Effect[]) =>
  effects
    .filter((effect) => effect.type === 'send_message')
    .map((effect) => (effect as { body: string }).body);

/** Starts by HTTP Post with a known contact and returns the transition. */
function startHttp(tool: ToolDefinition, fields = {}, startStepId?: string): Transition {
  const transition = advance(tool, null, {
    type: 'start_http',
    at: T0,
    phone: PHONE,
    contact: aContact(fields),
    startStepId,
  });
  if (transition.state === null)
    throw new Error(`did not start: ${JSON.stringify(transition.outcome)}`);
  return transition as Transition;
}

const reply = (tool: ToolDefinition, state: ConversationState, text: string, minutes = 1) =>
  advance(tool, state, { type: 'reply', at: at(minutes), text });

/** A pizza order: size → budget → done, with branches and a fallback. */
const pizzaTool = (options = {}) =>
  aTool()
    .withOptions({ optOutTagId: 900, invalidNumberTagId: 901, ...options })
    .withStep('size', {
      message: 'Hi ~Contact.FirstName~, small or large? Text STOP to stop.',
      saveTo: '_Size',
      next: decideBy(
        [
          equalsAny(['small', 's'], { id: 'small', tagId: 11, goTo: 'budget' }),
          equalsAny(['*large*'], { id: 'large', tagId: 12, goTo: 'budget' }),
        ],
        { tagId: 13, stepId: 'size-again' },
      ),
    })
    .withStep('budget', {
      message: 'A ~Contact._Size~ it is. Budget?',
      saveTo: '_Budget',
      validation: 'number',
      reaskMessage: 'A number please, ~Contact.FirstName~.',
      next: decideBy(
        [compareTo('gte', { field: '_Min' }, { id: 'enough', tagId: 21, goTo: 'thanks' })],
        {
          tagId: 22,
          stepId: null,
        },
      ),
    })
    .withStep('thanks', { message: 'Thanks! Your budget is ~Contact._Budget~.', next: finish() })
    .withStep('size-again', { message: 'Sorry, small or large?', next: { kind: 'next' } })
    .build();

describe('starting by HTTP Post', () => {
  it('sends the first step to the known contact, merge fields filled in', () => {
    const { state, effects, outcome } = startHttp(pizzaTool(), { FirstName: 'Jo' });
    expect(effects).toEqual([
      {
        type: 'send_message',
        stepId: 'size',
        body: 'Hi Jo, small or large? Text STOP to stop.',
        mediaUrls: [],
        purpose: 'step',
      },
    ]);
    expect(state).toMatchObject({
      status: 'awaiting_reply',
      currentStepId: 'size',
      phone: PHONE,
      startedAt: T0,
      lastActivityAt: T0,
    });
    expect(outcome).toEqual({ kind: 'started', stepId: 'size' });
  });

  it('starts at a chosen step', () => {
    const { state, effects } = startHttp(pizzaTool(), { _Size: 'large' }, 'budget');
    expect(state.currentStepId).toBe('budget');
    expect(sent(effects)).toEqual(['A large it is. Budget?']);
  });

  it('starts nothing at a step that does not exist', () => {
    const transition = advance(pizzaTool(), null, {
      type: 'start_http',
      at: T0,
      phone: PHONE,
      contact: aContact(),
      startStepId: 'ghost',
    });
    expect(transition).toEqual({
      state: null,
      effects: [],
      outcome: { kind: 'ignored', reason: 'there is no step "ghost"' },
    });
  });

  it('starts nothing for a tool without steps', () => {
    expect(
      advance(aTool().build(), null, {
        type: 'start_http',
        at: T0,
        phone: PHONE,
        contact: aContact(),
      }).state,
    ).toBeNull();
  });

  it('does not start a second conversation while one is running', () => {
    const { state } = startHttp(pizzaTool());
    const again = advance(pizzaTool(), state, {
      type: 'start_http',
      at: at(1),
      phone: PHONE,
      contact: aContact(),
    });
    expect(again.state).toBe(state);
    expect(again.effects).toEqual([]);
    expect(again.outcome.kind).toBe('ignored');
  });
});

describe('replies', () => {
  it('saves the reply, applies the matching condition tag and sends its step', () => {
    const tool = pizzaTool();
    const { state } = startHttp(tool, { FirstName: 'Jo' });
    const { state: next, effects, outcome } = reply(tool, state, ' Large please ');
    expect(effects).toEqual([
      { type: 'save_field', field: '_Size', value: 'Large please' },
      { type: 'apply_tag', tagId: 12, reason: 'condition' },
      {
        type: 'send_message',
        stepId: 'budget',
        body: 'A Large please it is. Budget?',
        mediaUrls: [],
        purpose: 'step',
      },
    ]);
    expect(outcome).toEqual({
      kind: 'matched',
      stepId: 'size',
      conditionId: 'large',
      conditionIndex: 1,
      nextStepId: 'budget',
    });
    expect(next).toMatchObject({
      currentStepId: 'budget',
      lastActivityAt: at(1),
      contact: { fields: { _Size: 'Large please' } },
    });
  });

  it('applies the fallback tag and step when nothing matches', () => {
    const tool = pizzaTool();
    const { state } = startHttp(tool);
    const { state: next, effects, outcome } = reply(tool, state, 'medium');
    expect(effects.filter((e) => e.type === 'apply_tag')).toEqual([
      { type: 'apply_tag', tagId: 13, reason: 'fallback' },
    ]);
    expect(outcome).toEqual({ kind: 'fallback', stepId: 'size', nextStepId: 'size-again' });
    expect(next.currentStepId).toBe('size-again');
  });

  it('moves on to the next step, and finishes after the last one', () => {
    const tool = pizzaTool({ createNote: true });
    const { state } = startHttp(tool, {}, 'size-again');
    const last = reply(tool, state, 'anything');
    expect(last.outcome).toEqual({ kind: 'moved_on', stepId: 'size-again', nextStepId: null });
    expect(last.effects).toEqual([
      { type: 'write_note' },
      { type: 'conversation_ended', status: 'finished' },
    ]);
    expect(last.state.status).toBe('finished');
  });

  it('follows "the next message" to the step below', () => {
    const tool = aTool()
      .withStep('a', { next: { kind: 'next' } })
      .withStep('b', { next: finish() })
      .build();
    const { state } = startHttp(tool);
    const result = reply(tool, state, 'hi');
    expect(result.outcome).toEqual({ kind: 'moved_on', stepId: 'a', nextStepId: 'b' });
    expect(result.state.currentStepId).toBe('b');
  });

  it('finishes on "finish" without a note unless notes are on', () => {
    const tool = pizzaTool();
    const { effects } = startHttp(tool, {}, 'thanks');
    expect(effects.filter((e) => e.type !== 'send_message')).toEqual([
      { type: 'conversation_ended', status: 'finished' },
    ]);
  });

  it('lets conditions read the value this reply just saved', () => {
    const tool = aTool()
      .withStep('age', {
        saveTo: '_Age',
        next: decideBy([compareTo('gte', { field: '_Age' }, { id: 'self', goTo: null })], {
          stepId: 'age',
        }),
      })
      .build();
    const { state } = startHttp(tool, { _Age: '99' });
    expect(reply(tool, state, '30').outcome).toMatchObject({
      kind: 'matched',
      conditionId: 'self',
    });
  });

  it('compares against a contact field, and falls back when the field is missing', () => {
    const tool = pizzaTool();
    const withMin = startHttp(tool, { _Min: 20 }, 'budget').state;
    expect(reply(tool, withMin, '$25').outcome).toMatchObject({
      kind: 'matched',
      conditionId: 'enough',
      nextStepId: 'thanks',
    });
    const noMin = startHttp(tool, {}, 'budget').state;
    const fallback = reply(tool, noMin, '$25');
    expect(fallback.outcome).toEqual({ kind: 'fallback', stepId: 'budget', nextStepId: null });
    expect(fallback.effects).toEqual([
      { type: 'save_field', field: '_Budget', value: '$25' },
      { type: 'apply_tag', tagId: 22, reason: 'fallback' },
      { type: 'conversation_ended', status: 'finished' },
    ]);
  });

  it('re-asks a number step a bounded number of times, then moves on without saving', () => {
    const tool = pizzaTool({ maxReasks: 2 });
    let { state } = startHttp(tool, { FirstName: 'Jo', _Min: 1 }, 'budget');
    for (const attempt of [1, 2]) {
      const result = reply(tool, state, 'lots', attempt);
      expect(result.outcome).toEqual({ kind: 'reasked', stepId: 'budget', attempt });
      expect(result.effects).toEqual([
        {
          type: 'send_message',
          stepId: 'budget',
          body: 'A number please, Jo.',
          mediaUrls: [],
          purpose: 'reask',
        },
      ]);
      state = result.state;
    }
    const gaveUp = reply(tool, state, 'lots', 3);
    expect(gaveUp.effects.some((e) => e.type === 'save_field')).toBe(false);
    expect(gaveUp.outcome).toEqual({ kind: 'fallback', stepId: 'budget', nextStepId: null });
  });

  it('saves the email found in a sentence on an email step', () => {
    const tool = aTool().withEmailStep('mail', { saveTo: 'EmailAddress2', next: finish() }).build();
    const { state } = startHttp(tool);
    expect(reply(tool, state, 'it is Jo@Example.com').effects[0]).toEqual({
      type: 'save_field',
      field: 'EmailAddress2',
      value: 'Jo@example.com',
    });
  });

  it('takes an opt-out word sent as a reply as an opt-out', () => {
    const tool = pizzaTool();
    const { state } = startHttp(tool);
    const result = reply(tool, state, ' stop ');
    expect(result.state.status).toBe('opted_out');
    expect(result.effects).toEqual([
      { type: 'apply_tag', tagId: 900, reason: 'opt_out' },
      { type: 'conversation_ended', status: 'opted_out' },
    ]);
  });

  it('opts out a contact who replies an opt-out word a condition lists, as validation warns', () => {
    const tool = aTool()
      .withOptions({ optOutTagId: 900 })
      .withStep('appointment', {
        message: 'Reply CONFIRM or CANCEL. Text STOP to stop.',
        next: decideBy([equalsAny(['confirm'], { tagId: 1 }), equalsAny(['cancel'], { tagId: 2 })]),
      })
      .build();
    const result = reply(tool, startHttp(tool).state, 'Cancel');
    expect(result.state.status).toBe('opted_out');
    expect(result.effects).toEqual([
      { type: 'apply_tag', tagId: 900, reason: 'opt_out' },
      { type: 'conversation_ended', status: 'opted_out' },
    ]);
  });

  it('takes YES and START as replies to the step, not as opt-ins', () => {
    const tool = aTool()
      .withStep('ask', {
        message: 'Like blue? Text STOP to stop.',
        next: decideBy([equalsAny(['yes', 'start'], { id: 'keen', tagId: 7 })]),
      })
      .build();
    for (const text of ['YES', 'start']) {
      const result = reply(tool, startHttp(tool).state, text);
      expect(result.outcome).toMatchObject({ kind: 'matched', conditionId: 'keen' });
      expect(result.effects[0]).toEqual({ type: 'apply_tag', tagId: 7, reason: 'condition' });
    }
  });

  it('leaves HELP to the runtime and keeps waiting', () => {
    const tool = pizzaTool();
    const { state } = startHttp(tool);
    expect(reply(tool, state, 'help')).toMatchObject({
      state,
      effects: [],
      outcome: { kind: 'ignored' },
    });
  });

  it('answers any text with a defined outcome and a state on a real step', () => {
    const tool = pizzaTool();
    const { state } = startHttp(tool);
    const stepIds = tool.steps.map((step) => step.id);
    for (const text of [
      '',
      ' ',
      '😀',
      '~Contact.FirstName~',
      '*',
      '\u0000',
      'a'.repeat(5000),
      undefined as unknown as string,
    ]) {
      const answer = reply(tool, state, text);
      expect(answer.outcome.kind).toMatch(/^(matched|fallback|moved_on|reasked|ignored|ended)$/);
      if (answer.state.currentStepId !== null)
        expect(stepIds).toContain(answer.state.currentStepId);
    }
  });
});

describe('starting by keyword with email first', () => {
  const tool = aTool()
    .collectingEmailFirst()
    .withOptions({ maxReasks: 1, createNote: true })
    .withEmailStep('email', {
      message: 'Hi ~Contact.FirstName~! Your email? Text STOP to stop.',
      next: decideBy([equalsAny(['*@vip.test*'], { id: 'vip', tagId: 5, goTo: 'welcome' })], {
        stepId: 'welcome',
      }),
    })
    .withStep('welcome', {
      message: 'Welcome ~Contact.FirstName~ (~Contact.Email~)',
      next: finish(),
    })
    .build();

  const started = () =>
    advance(tool, null, { type: 'start_keyword', at: T0, phone: PHONE }) as Transition;

  it('asks for the email with merge fields empty', () => {
    const { state, effects, outcome } = started();
    expect(sent(effects)).toEqual(['Hi! Your email? Text STOP to stop.']);
    expect(state).toMatchObject({
      status: 'awaiting_reply',
      currentStepId: 'email',
      contact: { id: null, fields: {} },
    });
    expect(outcome).toEqual({ kind: 'started', stepId: 'email' });
  });

  it('looks the contact up by the email, then follows the step with the contact known', () => {
    const asked = reply(tool, started().state, 'sure, jo@VIP.test');
    expect(asked.effects).toEqual([
      { type: 'resolve_contact', email: 'jo@vip.test', phone: PHONE, phoneField: 'Phone1' },
    ]);
    expect(asked.state).toMatchObject({ status: 'awaiting_contact', pendingEmail: 'jo@vip.test' });
    expect(asked.outcome).toEqual({
      kind: 'resolving_contact',
      stepId: 'email',
      email: 'jo@vip.test',
    });

    const ignoredReply = reply(tool, asked.state, 'hello?', 2);
    expect(ignoredReply).toMatchObject({
      state: asked.state,
      effects: [],
      outcome: { kind: 'ignored' },
    });

    const resolved = advance(tool, asked.state, {
      type: 'contact_resolved',
      at: at(2),
      contact: aContact({ FirstName: 'Jo' }, 77),
    });
    expect(resolved.effects).toEqual([
      { type: 'apply_tag', tagId: 5, reason: 'condition' },
      {
        type: 'send_message',
        stepId: 'welcome',
        body: 'Welcome Jo (jo@vip.test)',
        mediaUrls: [],
        purpose: 'step',
      },
      // "welcome" is a closing message: the conversation ends as it is sent.
      { type: 'write_note' },
      { type: 'conversation_ended', status: 'finished' },
    ]);
    expect(resolved.outcome).toEqual({
      kind: 'contact_resolved',
      contactId: 77,
      then: {
        kind: 'matched',
        stepId: 'email',
        conditionId: 'vip',
        conditionIndex: 0,
        nextStepId: 'welcome',
      },
    });
    expect(resolved.state).toMatchObject({
      status: 'finished',
      currentStepId: 'welcome',
      pendingEmail: null,
      contact: { id: 77, fields: { Phone1: PHONE, Email: 'jo@vip.test' } },
    });
  });

  it('re-asks for the email, then looks the contact up by phone', () => {
    const first = reply(tool, started().state, 'no thanks');
    expect(first.outcome).toEqual({ kind: 'reasked', stepId: 'email', attempt: 1 });
    expect(sent(first.effects)).toEqual([
      "That doesn't look like an email address. Please reply with your email address.",
    ]);
    const second = reply(tool, first.state, 'still no', 2);
    expect(second.effects).toEqual([
      { type: 'resolve_contact', email: null, phone: PHONE, phoneField: 'Phone1' },
    ]);
    const resolved = advance(tool, second.state, {
      type: 'contact_resolved',
      at: at(3),
      contact: aContact({}, 78),
    });
    expect(resolved.outcome).toMatchObject({
      kind: 'contact_resolved',
      then: { kind: 'fallback', nextStepId: 'welcome' },
    });
    expect(resolved.effects.some((e) => e.type === 'save_field')).toBe(false);
  });

  it('saves the email to another email field once the contact is known', () => {
    const other = aTool()
      .collectingEmailFirst()
      .withEmailStep('email', { saveTo: 'EmailAddress2', next: finish() })
      .build();
    const asked = reply(
      other,
      (advance(other, null, { type: 'start_keyword', at: T0, phone: PHONE }) as Transition).state,
      'a@b.co',
    );
    const resolved = advance(other, asked.state, {
      type: 'contact_resolved',
      at: at(2),
      contact: aContact({}, 1),
    });
    expect(resolved.effects).toEqual([
      { type: 'save_field', field: 'EmailAddress2', value: 'a@b.co' },
      { type: 'conversation_ended', status: 'finished' },
    ]);
  });
});

describe('starting by keyword without email first', () => {
  const tool = aTool()
    .withStep('hello', {
      message: 'Hi ~Contact.FirstName~. Text STOP to stop.',
      saveTo: '_Answer',
      next: finish(),
    })
    .build();

  it('finds the contact by phone first, then sends the first step', () => {
    const start = advance(tool, null, {
      type: 'start_keyword',
      at: T0,
      phone: PHONE,
    }) as Transition;
    expect(start.effects).toEqual([
      { type: 'resolve_contact', email: null, phone: PHONE, phoneField: 'Phone1' },
    ]);
    expect(start.state).toMatchObject({ status: 'awaiting_contact', currentStepId: 'hello' });
    const resolved = advance(tool, start.state, {
      type: 'contact_resolved',
      at: at(1),
      contact: aContact({ FirstName: 'Ann' }, 5),
    });
    expect(sent(resolved.effects)).toEqual(['Hi Ann. Text STOP to stop.']);
    expect(resolved.outcome).toEqual({
      kind: 'contact_resolved',
      contactId: 5,
      then: { kind: 'started', stepId: 'hello' },
    });
    expect(resolved.state.status).toBe('awaiting_reply');
  });

  it('does not start an HTTP-only tool by keyword', () => {
    expect(
      advance(aTool().httpOnly().withStep('a').build(), null, {
        type: 'start_keyword',
        at: T0,
        phone: PHONE,
      }).state,
    ).toBeNull();
  });

  it('ignores contact_resolved when no lookup is pending', () => {
    const { state } = startHttp(tool);
    expect(
      advance(tool, state, { type: 'contact_resolved', at: at(1), contact: aContact() }).outcome
        .kind,
    ).toBe('ignored');
  });
});

describe('finishing', () => {
  const rsvp = (last: Partial<Parameters<ToolBuilder['withStep']>[1]> = {}) =>
    aTool()
      .with({ keyword: 'RSVP' })
      .withOptions({ createNote: true, expiryMinutes: 60, reminderMinutesBeforeExpiry: 15 })
      .withStep('coming', { message: 'Coming on Friday?', saveTo: '_Coming', next: nextMessage() })
      .withStep('bye', {
        message: 'Great, see you there! Text RSVP again any time',
        next: finish(),
        ...last,
      })
      .build();

  it('ends a closing message (no save, no check) in the transition that sends it', () => {
    const tool = rsvp();
    const { state } = startHttp(tool);
    const closing = reply(tool, state, 'yes');
    expect(closing.effects).toEqual([
      { type: 'save_field', field: '_Coming', value: 'yes' },
      {
        type: 'send_message',
        stepId: 'bye',
        body: 'Great, see you there! Text RSVP again any time',
        mediaUrls: [],
        purpose: 'step',
      },
      { type: 'write_note' },
      { type: 'conversation_ended', status: 'finished' },
    ]);
    expect(closing.outcome).toEqual({ kind: 'moved_on', stepId: 'coming', nextStepId: 'bye' });
    expect(closing.state).toMatchObject({
      status: 'finished',
      currentStepId: 'bye',
      lastActivityAt: at(1),
    });
    // No reminder, no expiry, and the keyword can start the tool again at once.
    expect(nextTickAt(tool, closing.state)).toBeNull();
    expect(reply(tool, closing.state, 'RSVP', 2).outcome.kind).toBe('ignored');
    expect(advance(tool, null, { type: 'start_keyword', at: at(2), phone: PHONE }).state).not.toBe(
      null,
    );
  });

  it('ends at once when an HTTP Post starts at a closing message', () => {
    const tool = rsvp();
    const { state, effects, outcome } = startHttp(tool, {}, 'bye');
    expect(sent(effects)).toEqual(['Great, see you there! Text RSVP again any time']);
    expect(effects.slice(1)).toEqual([
      { type: 'write_note' },
      { type: 'conversation_ended', status: 'finished' },
    ]);
    expect(outcome).toEqual({ kind: 'started', stepId: 'bye' });
    expect(state.status).toBe('finished');
  });

  it.each([
    ['saves', { saveTo: '_Comment' }],
    ['checks', { validation: 'number' }],
  ] as const)('waits for the reply of a finish step that %s it, then ends', (_, last) => {
    const tool = rsvp(last);
    const { state } = startHttp(tool);
    const waiting = reply(tool, state, 'yes');
    expect(sent(waiting.effects)).toEqual(['Great, see you there! Text RSVP again any time']);
    expect(waiting.effects.map((e) => e.type)).not.toContain('conversation_ended');
    expect(waiting.state).toMatchObject({ status: 'awaiting_reply', currentStepId: 'bye' });
    expect(nextTickAt(tool, waiting.state)).toBe(at(1 + 45));
    const done = reply(tool, waiting.state, '42', 2);
    expect(done.state.status).toBe('finished');
    expect(done.effects.slice(-2)).toEqual([
      { type: 'write_note' },
      { type: 'conversation_ended', status: 'finished' },
    ]);
  });

  it('takes the keyword texted to a saving finish step as its reply: saved, then finished', () => {
    const tool = rsvp({ saveTo: '_Comment' });
    const waiting = reply(tool, startHttp(tool).state, 'yes').state;
    const keyword = reply(tool, waiting, ' rsvp ', 2);
    expect(keyword.effects).toEqual([
      { type: 'save_field', field: '_Comment', value: 'rsvp' },
      { type: 'write_note' },
      { type: 'conversation_ended', status: 'finished' },
    ]);
    expect(keyword.state.status).toBe('finished');
    expect(answeredFinishStep(tool, keyword)).toBe(true);
    // The runtime then starts the keyword's tool: the machine starts it from no conversation.
    const again = advance(tool, null, { type: 'start_keyword', at: at(2), phone: PHONE });
    expect(again.state).toMatchObject({ status: 'awaiting_contact', currentStepId: 'coming' });
  });

  it('does not take a reply that finished by a condition, or a closing message, as a finish step answered', () => {
    const tool = rsvp();
    expect(answeredFinishStep(tool, reply(tool, startHttp(tool).state, 'yes'))).toBe(false);
    const branching = pizzaTool();
    const finishedByFallback = reply(branching, startHttp(branching, {}, 'budget').state, '$25');
    expect(finishedByFallback.state.status).toBe('finished');
    expect(answeredFinishStep(branching, finishedByFallback)).toBe(false);
  });
});

describe('endings', () => {
  it('ends on opt-out mid-way with the opt-out tag and the note', () => {
    const tool = pizzaTool({ createNote: true });
    const { state } = startHttp(tool);
    const middle = reply(tool, state, 'small').state;
    const result = advance(tool, middle, { type: 'opt_out', at: at(5) });
    expect(result.state).toMatchObject({ status: 'opted_out', currentStepId: 'budget' });
    expect(result.effects).toEqual([
      { type: 'apply_tag', tagId: 900, reason: 'opt_out' },
      { type: 'write_note' },
      { type: 'conversation_ended', status: 'opted_out' },
    ]);
    expect(result.outcome).toEqual({ kind: 'ended', status: 'opted_out' });
  });

  it('does not tag before the contact is known', () => {
    const tool = aTool()
      .collectingEmailFirst()
      .withEmailStep()
      .withOptions({ optOutTagId: 900 })
      .build();
    const start = advance(tool, null, {
      type: 'start_keyword',
      at: T0,
      phone: PHONE,
    }) as Transition;
    expect(advance(tool, start.state, { type: 'opt_out', at: at(1) }).effects).toEqual([
      { type: 'conversation_ended', status: 'opted_out' },
    ]);
  });

  it.each(['invalid_number', 'not_mobile'] as const)(
    'ends with the invalid-number tag when a send fails as %s',
    (reason) => {
      const tool = pizzaTool();
      const { state } = startHttp(tool);
      const result = advance(tool, state, { type: 'send_failed', at: at(1), reason });
      expect(result.state.status).toBe('invalid_number');
      expect(result.effects).toEqual([
        { type: 'apply_tag', tagId: 901, reason: 'invalid_number' },
        { type: 'conversation_ended', status: 'invalid_number' },
      ]);
    },
  );

  it('takes a send refused as unsubscribed as an opt-out', () => {
    const tool = pizzaTool();
    const { state } = startHttp(tool);
    const result = advance(tool, state, { type: 'send_failed', at: at(1), reason: 'unsubscribed' });
    expect(result.state.status).toBe('opted_out');
    expect(result.effects[0]).toEqual({ type: 'apply_tag', tagId: 900, reason: 'opt_out' });
  });

  it('is ended by hand', () => {
    const tool = pizzaTool();
    const { state } = startHttp(tool);
    expect(advance(tool, state, { type: 'end', at: at(1) })).toMatchObject({
      state: { status: 'ended' },
      effects: [{ type: 'conversation_ended', status: 'ended' }],
    });
  });

  it('ignores opt-ins: the runtime owns the opt-out registry', () => {
    const tool = pizzaTool();
    const { state } = startHttp(tool);
    expect(advance(tool, state, { type: 'opt_in', at: at(1) })).toMatchObject({
      state,
      effects: [],
      outcome: { kind: 'ignored' },
    });
  });

  it('ignores every event once ended', () => {
    const tool = pizzaTool();
    for (const status of ['finished', 'expired', 'opted_out', 'invalid_number', 'ended'] as const) {
      const state = aConversation({ status, currentStepId: 'size' });
      for (const event of [
        { type: 'reply', at: at(1), text: 'small' },
        { type: 'opt_out', at: at(1) },
        { type: 'tick', at: at(99999) },
        { type: 'end', at: at(1) },
        { type: 'contact_resolved', at: at(1), contact: aContact() },
      ] as const) {
        expect(advance(tool, state, event)).toEqual({
          state,
          effects: [],
          outcome: { kind: 'ignored', reason: expect.any(String) },
        });
      }
    }
  });
});

describe('time: expiry and the reminder', () => {
  const tool = pizzaTool({
    expiryMinutes: 60,
    reminderMinutesBeforeExpiry: 15,
    reminderMessage: 'Still there, ~Contact.FirstName~?',
  });

  it('expires after the expiry time without activity', () => {
    const { state } = startHttp(tool);
    expect(advance(tool, state, { type: 'tick', at: at(30) }).outcome.kind).toBe('ignored');
    const expired = advance(tool, state, { type: 'tick', at: at(60) });
    expect(expired.state).toMatchObject({ status: 'expired', lastActivityAt: T0 });
    expect(expired.effects).toEqual([{ type: 'conversation_ended', status: 'expired' }]);
  });

  it('counts the expiry from the last activity', () => {
    const { state } = startHttp(tool);
    const later = reply(tool, state, 'small', 50).state;
    expect(advance(tool, later, { type: 'tick', at: at(100) }).state.status).toBe('awaiting_reply');
    expect(advance(tool, later, { type: 'tick', at: at(110) }).state.status).toBe('expired');
  });

  it('expires a conversation stuck waiting for its contact', () => {
    const kw = aTool().withStep('a').withOptions({ expiryMinutes: 10 }).build();
    const start = advance(kw, null, { type: 'start_keyword', at: T0, phone: PHONE }) as Transition;
    expect(advance(kw, start.state, { type: 'tick', at: at(10) }).state.status).toBe('expired');
  });

  it('sends one reminder before expiry when there is no reply yet', () => {
    const { state } = startHttp(tool, { FirstName: 'Jo' });
    expect(nextTickAt(tool, state)).toBe(at(45));
    expect(advance(tool, state, { type: 'tick', at: at(44) }).effects).toEqual([]);
    const reminded = advance(tool, state, { type: 'tick', at: at(45) });
    expect(reminded.effects).toEqual([
      {
        type: 'send_message',
        stepId: 'size',
        body: 'Still there, Jo?',
        mediaUrls: [],
        purpose: 'reminder',
      },
    ]);
    expect(reminded.outcome).toEqual({ kind: 'reminded', stepId: 'size' });
    expect(reminded.state).toMatchObject({ reminderSentAt: at(45), lastActivityAt: T0 });
    expect(nextTickAt(tool, reminded.state)).toBe(at(60));
    expect(advance(tool, reminded.state, { type: 'tick', at: at(50) }).effects).toEqual([]);
  });

  it('sends the step again as the reminder when no reminder text is set', () => {
    const plain = pizzaTool({ expiryMinutes: 60, reminderMinutesBeforeExpiry: 15 });
    const { state } = startHttp(plain, { FirstName: 'Jo' });
    expect(sent(advance(plain, state, { type: 'tick', at: at(50) }).effects)).toEqual([
      'Hi Jo, small or large? Text STOP to stop.',
    ]);
  });

  it('sends no reminder once the contact answered the step', () => {
    const { state } = startHttp(tool, {}, 'budget');
    const reasked = reply(tool, state, 'dunno').state;
    expect(advance(tool, reasked, { type: 'tick', at: at(50) }).effects).toEqual([]);
  });

  it('sends no reminder without the option', () => {
    const { state } = startHttp(pizzaTool({ expiryMinutes: 60 }));
    expect(
      advance(pizzaTool({ expiryMinutes: 60 }), state, { type: 'tick', at: at(59) }).effects,
    ).toEqual([]);
  });

  it('ignores unreadable times', () => {
    const { state } = startHttp(tool);
    expect(advance(tool, state, { type: 'tick', at: 'not a time' }).outcome.kind).toBe('ignored');
  });
});

describe('a state pointing at a step the tool does not have', () => {
  it('ends rather than leave the contact stuck', () => {
    const tool = pizzaTool();
    const state = aConversation({ currentStepId: 'gone' });
    expect(reply(tool, state, 'hi').state.status).toBe('ended');
  });
});

describe('Keap API goals', () => {
  const booked = { integration: 'smsSequences', callName: 'booked' };
  const unsure = { integration: 'smsSequences', callName: 'unsure' };
  const left = { integration: 'smsSequences', callName: 'left' };
  const tool = aTool()
    .withOptions({ optOutTagId: 900, optOutGoal: left, invalidNumberGoal: left })
    .withStep('ask', {
      message: 'Book a call? Text STOP to stop.',
      saveTo: '_Answer',
      next: decideBy([equalsAny(['yes'], { id: 'yes', tagId: 11, goal: booked })], {
        tagId: 13,
        goal: unsure,
      }),
    })
    .build();
  const keapWork = (effects: Effect[]) =>
    effects.filter(
      (e) => e.type === 'save_field' || e.type === 'apply_tag' || e.type === 'achieve_goal',
    );

  it('achieves a matched condition’s goal after the reply is saved and the tag applied', () => {
    const { state } = startHttp(tool);
    expect(keapWork(reply(tool, state, 'Yes').effects)).toEqual([
      { type: 'save_field', field: '_Answer', value: 'Yes' },
      { type: 'apply_tag', tagId: 11, reason: 'condition' },
      { type: 'achieve_goal', goal: booked, reason: 'condition' },
    ]);
  });

  it('achieves the fallback goal when nothing matches', () => {
    const { state } = startHttp(tool);
    expect(keapWork(reply(tool, state, 'maybe').effects)).toEqual([
      { type: 'save_field', field: '_Answer', value: 'maybe' },
      { type: 'apply_tag', tagId: 13, reason: 'fallback' },
      { type: 'achieve_goal', goal: unsure, reason: 'fallback' },
    ]);
  });

  it('achieves the opt-out goal on STOP, and the invalid-number goal when a send fails', () => {
    const { state } = startHttp(tool);
    expect(keapWork(advance(tool, state, { type: 'opt_out', at: at(1) }).effects)).toEqual([
      { type: 'apply_tag', tagId: 900, reason: 'opt_out' },
      { type: 'achieve_goal', goal: left, reason: 'opt_out' },
    ]);
    const failed = advance(tool, state, { type: 'send_failed', at: at(1), reason: 'not_mobile' });
    expect(keapWork(failed.effects)).toEqual([
      { type: 'achieve_goal', goal: left, reason: 'invalid_number' },
    ]);
  });

  it('achieves nothing before the contact is known, nor for a half-typed goal', () => {
    const state = aConversation({ contact: { id: null, fields: {} } });
    expect(keapWork(advance(tool, state, { type: 'opt_out', at: at(1) }).effects)).toEqual([]);
    const draft = aTool()
      .withStep('ask', {
        next: decideBy([], { goal: { integration: 'smsSequences', callName: '' } }),
      })
      .build();
    expect(keapWork(reply(draft, startHttp(draft).state, 'hi').effects)).toEqual([]);
  });
});
