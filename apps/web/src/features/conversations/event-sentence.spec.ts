import { aTool, compareTo, decideBy, equalsAny, finish } from '@sms-seq/engine/testing';
import { describeEvent, describeEvents, type EventContext } from './event-sentence';

const tool = aTool()
  .withStep('ask', {
    name: 'Ask colour',
    message: 'Blue or red? Text STOP to stop.',
    next: decideBy(
      [
        equalsAny(['blue'], { id: 'is-blue', tagId: 7, goTo: 'blue' }),
        compareTo('gte', { field: '_Budget' }, { id: 'rich', goTo: 'blue' }),
      ],
      { stepId: 'other' },
    ),
  })
  .withStep('blue', { name: 'Blue', message: 'Blue it is!', next: finish() })
  .withStep('other', { name: '', message: 'Noted.', next: finish() })
  .build();

const context: EventContext = {
  tool,
  tags: [{ id: 7, name: 'Likes blue' }],
  fields: [{ key: '_Budget', label: 'Budget' }],
};
const say = (type: string, detail: Record<string, unknown> = {}) =>
  describeEvent({ type, detail }, context);

describe('what happened in a conversation, in sentences', () => {
  it('names the step and the branch a condition matched, with the condition in words', () => {
    expect(
      say('matched', {
        stepId: 'ask',
        conditionId: 'is-blue',
        conditionIndex: 0,
        nextStepId: 'blue',
      }),
    ).toBe('The reply to “Ask colour” matched condition 1 (reply is "blue"), then sent “Blue”.');
    expect(
      say('matched', { stepId: 'ask', conditionId: 'rich', conditionIndex: 1, nextStepId: null }),
    ).toBe(
      "The reply to “Ask colour” matched condition 2 (reply is at least the contact's Budget), and the sequence finished.",
    );
    // An unnamed step is called as the editor numbers it.
    expect(say('fallback', { stepId: 'ask', nextStepId: 'other' })).toBe(
      'The reply to “Ask colour” matched no condition, so the fallback applied, then sent “Message #3”.',
    );
  });

  it('says the tag by its name and why it was applied', () => {
    expect(say('tag_applied', { tagId: 7, reason: 'condition' })).toBe(
      'Applied the tag “Likes blue” in Keap because the reply matched a condition.',
    );
    expect(say('tag_applied', { tagId: 99, reason: 'opt_out' })).toBe(
      'Applied the tag #99 in Keap because the contact opted out.',
    );
  });

  it('says which Keap API goal was achieved and why', () => {
    expect(
      say('goal_achieved', { integration: 'smsSequences', callName: 'booked', reason: 'fallback' }),
    ).toBe(
      'Achieved the API goal smsSequences.booked in Keap because the reply matched no condition.',
    );
    expect(say('keap_work_stopped', { work: 'achieve_goal', reason: 'Contact not found' })).toMatch(
      /^Could not achieve an API goal in Keap: /,
    );
  });

  it('says the field by its label, and the value saved', () => {
    expect(say('field_saved', { field: 'Email', value: 'pat@example.com' })).toBe(
      'Saved “pat@example.com” to the contact’s Email in Keap.',
    );
    expect(say('field_saved', { field: '_Budget', value: 500 })).toBe(
      'Saved “500” to the contact’s Budget in Keap.',
    );
  });

  it('tells notes, opt-outs, expiry and failures without codes', () => {
    expect(say('note_written', { noteId: 12, action: 'created' })).toBe(
      'Wrote this conversation into a note on the Keap contact.',
    );
    expect(say('note_held', { until: '2026-12-04T10:10:00.000Z' })).toBe(
      'The contact is in this tool again: this conversation’s note waits for that one to end, so that both go into the Keap note together.',
    );
    expect(say('conversation_ended', { status: 'opted_out' })).toBe(
      'The contact opted out (texted STOP), so the conversation ended.',
    );
    expect(say('ended', { status: 'expired' })).toBe(
      'The conversation expired: the contact did not reply in time.',
    );
    expect(say('send_failed', { reason: 'not_mobile' })).toBe(
      'A text could not be sent: the number is not a mobile number (a landline, or a carrier that cannot take texts).',
    );
    expect(say('send_failed', { reason: 'unreachable', providerCode: 30003 })).toBe(
      'A text could not be sent (error 30003): the phone was switched off or out of coverage.',
    );
    expect(
      say('keap_work_stopped', { work: 'apply_tag', reason: 'The tag no longer exists' }),
    ).toBe('Could not apply a tag in Keap: The tag no longer exists.');
  });

  it('tells what followed a contact look-up', () => {
    expect(
      say('contact_resolved', {
        contactId: 42,
        then: { kind: 'moved_on', stepId: 'ask', nextStepId: 'blue' },
      }),
    ).toBe('Found the Keap contact #42. The contact replied to “Ask colour”, then sent “Blue”.');
  });

  it('says whether the Keap contact was created or found', () => {
    expect(say('contact_resolved', { contactId: 12, created: true })).toBe(
      'Created the Keap contact #12.',
    );
    expect(say('contact_resolved', { contactId: 12, created: false })).toBe(
      'Found the Keap contact #12.',
    );
    expect(
      say('contact_resolved', {
        contactId: 12,
        created: true,
        then: { kind: 'moved_on', stepId: 'ask', nextStepId: 'blue' },
      }),
    ).toBe('Created the Keap contact #12. The contact replied to “Ask colour”, then sent “Blue”.');
    expect(say('contact_resolved', { contactId: null, created: false })).toBe(
      'No Keap contact could be found or created.',
    );
  });

  it('says the first text went out with the contact look-up when the start waited for it', () => {
    const events = [
      { type: 'started', detail: { stepId: 'ask' } },
      {
        type: 'contact_resolved',
        detail: { contactId: 12, then: { kind: 'started', stepId: 'ask' } },
      },
    ];
    expect(describeEvents(events, context).map((e) => e.sentence)).toEqual([
      'The sequence started; its first text waits for the Keap contact.',
      'Found the Keap contact #12. Sent “Ask colour”.',
    ]);
    // With the email asked first, the start itself sends the first step.
    expect(describeEvents([events[0]!], context).map((e) => e.sentence)).toEqual([
      'The sequence started and sent “Ask colour”.',
    ]);
  });

  it('falls back to a readable sentence for an unknown kind, never JSON', () => {
    const sentence = say('keap_sync_delayed', { queue: 'crm', attempts: 3 });
    expect(sentence).toBe('Keap sync delayed.');
    expect(sentence).not.toMatch(/[{}"]/);
  });

  it('still reads without the tool, tags or fields at hand', () => {
    expect(
      describeEvent({
        type: 'matched',
        detail: { stepId: 'ask', conditionId: 'x', conditionIndex: 0, nextStepId: 'blue' },
      }),
    ).toBe('The reply to a step matched condition 1, then sent a step.');
  });

  it('tells an ending once when the runtime records it twice', () => {
    expect(
      describeEvents(
        [
          { type: 'ended', detail: { kind: 'ended', status: 'opted_out' } },
          { type: 'conversation_ended', detail: { status: 'opted_out' } },
        ],
        context,
      ).map((told) => told.sentence),
    ).toEqual(['The contact opted out (texted STOP), so the conversation ended.']);
  });
});
