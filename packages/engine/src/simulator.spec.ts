import { simulate } from './simulator';
import { aTool, compareTo, decideBy, equalsAny, finish } from './testing/builders';

describe('the simulator', () => {
  const tool = aTool()
    .collectingEmailFirst()
    .withOptions({ expiryMinutes: 120, optOutTagId: 9 })
    .withEmailStep('email', { message: 'Email? Text STOP to stop.' })
    .withStep('age', {
      message: 'Hi ~Contact.FirstName~, how old are you?',
      saveTo: '_Age',
      next: decideBy([compareTo('gte', 18, { id: 'adult', tagId: 3, goTo: 'bye' })], { tagId: 4 }),
    })
    .withStep('bye', { message: 'Bye ~Contact.FirstName~, ~Contact._Age~!', next: finish() })
    .build();

  it('plays a keyword conversation, answering the contact lookup itself', () => {
    const result = simulate(tool, {
      contact: { fields: { FirstName: 'Jo' } },
      inputs: ['jo@example.com', '21'],
    });
    expect(result.status).toBe('finished');
    const [start, email, age] = result.turns;
    expect(start?.messages.map((m) => m.body)).toEqual(['Email? Text STOP to stop.']);
    expect(email).toMatchObject({
      input: { kind: 'reply', text: 'jo@example.com' },
      stepId: 'email',
      contactLookups: [{ email: 'jo@example.com', phone: '+15555550100' }],
      messages: [{ stepId: 'age', body: 'Hi Jo, how old are you?' }],
    });
    expect(age).toMatchObject({
      stepId: 'age',
      matched: { conditionId: 'adult', conditionIndex: 0 },
      tags: [{ tagId: 3, reason: 'condition' }],
      fieldSaves: [{ field: '_Age', value: '21' }],
      // "bye" is a closing message: the conversation ends as it is sent.
      messages: [{ body: 'Bye Jo, 21!' }],
      endedWith: 'finished',
    });
  });

  it('plays a contact with empty fields, showing the exact texts they get', () => {
    const result = simulate(tool, {
      start: 'http_post',
      startStepId: 'age',
      contact: { fields: {} },
      inputs: ['21'],
    });
    expect(result.turns.map((turn) => turn.messages.map((m) => m.body))).toEqual([
      ['Hi, how old are you?'],
      ['Bye, 21!'],
    ]);
    const named = simulate(tool, {
      start: 'http_post',
      startStepId: 'age',
      contact: { fields: { FirstName: 'Jo' } },
      inputs: [],
    });
    expect(named.turns[0]?.messages[0]?.body).toBe('Hi Jo, how old are you?');
  });

  it('reads replies as the runtime does', () => {
    const words = aTool()
      .httpOnly()
      .withStep('rsvp', {
        message: 'Coming? Text STOP to stop.',
        next: decideBy([
          equalsAny(['yes'], { id: 'yes' }),
          equalsAny(['no', 'nope'], { id: 'no' }),
        ]),
      })
      .build();
    const matched = (reply: string) =>
      simulate(words, { start: 'http_post', inputs: [reply] }).turns[1]?.matched;
    expect(matched('“Yes” 👍')).toEqual({ conditionId: 'yes', conditionIndex: 0 });
    expect(matched('Nope.')).toEqual({ conditionId: 'no', conditionIndex: 1 });
    expect(matched('maybe!')).toBe('fallback');
  });

  it('shows the fallback', () => {
    const result = simulate(tool, { start: 'http_post', startStepId: 'age', inputs: ['twelve'] });
    expect(result.turns[1]).toMatchObject({
      matched: 'fallback',
      tags: [{ tagId: 4, reason: 'fallback' }],
      endedWith: 'finished',
    });
  });

  it('lets time pass and opts out', () => {
    const expired = simulate(tool, {
      start: 'http_post',
      inputs: [{ waitMinutes: 120 }, 'too late'],
    });
    expect(expired.turns[1]?.endedWith).toBe('expired');
    expect(expired.turns[2]?.outcomes).toEqual([{ kind: 'ignored', reason: expect.any(String) }]);
    const optedOut = simulate(tool, { start: 'http_post', inputs: [{ optOut: true }] });
    expect(optedOut.turns[1]).toMatchObject({
      endedWith: 'opted_out',
      tags: [{ tagId: 9, reason: 'opt_out' }],
    });
  });

  it('reports a start that cannot happen', () => {
    const result = simulate(tool, { start: 'http_post', startStepId: 'ghost', inputs: ['hi'] });
    expect(result.status).toBeNull();
    expect(result.turns[0]?.outcomes[0]).toMatchObject({ kind: 'ignored' });
  });
});
