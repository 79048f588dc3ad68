import {
  hasErrors,
  parseToolDefinition,
  validateTool,
  type Problem,
  type ValidationContext,
} from './validation';
import type { Condition, ToolDefinition } from './tool.schema';
import { aTool, between, compareTo, decideBy, equalsAny, finish } from './testing/builders';

const problemsOf = (tool: ToolDefinition, context?: ValidationContext) =>
  validateTool(tool, context);
const withCode = (problems: Problem[], code: string) =>
  problems.filter((problem) => problem.code === code);

/** A tool with nothing to complain about, to change one thing at a time. */
const goodTool = () =>
  aTool().withStep('ask', {
    message: 'Hi ~Contact.FirstName~! Like blue? Text STOP to stop.',
    next: finish(),
  });

describe('validating a tool', () => {
  it('finds nothing wrong with a good tool', () => {
    expect(problemsOf(goodTool().build())).toEqual([]);
  });

  it('needs at least one step', () => {
    const problems = problemsOf(aTool().build());
    expect(withCode(problems, 'no_steps')).toEqual([
      expect.objectContaining({ path: ['steps'], severity: 'error' }),
    ]);
  });

  it('finds trap loops: steps that can never reach a finish', () => {
    const tool = aTool()
      .withStep('a', {
        message: 'A. Text STOP to stop.',
        next: decideBy([equalsAny(['b'], { goTo: 'b' })], { stepId: 'a' }),
      })
      .withStep('b', { next: decideBy([], { stepId: 'c' }) })
      .withStep('c', { next: decideBy([], { stepId: 'b' }) })
      .build();
    const problems = problemsOf(tool);
    expect(withCode(problems, 'trap_loop').map((problem) => problem.path)).toEqual([
      ['steps', 0],
      ['steps', 1],
      ['steps', 2],
    ]);
    expect(withCode(problems, 'no_finish')).toHaveLength(1);
    expect(hasErrors(problems)).toBe(true);
  });

  it('accepts loops that have a way out', () => {
    const tool = aTool()
      .withStep('a', {
        message: 'A. Text STOP to stop.',
        next: decideBy([equalsAny(['done'])], { stepId: 'a' }),
      })
      .build();
    expect(withCode(problemsOf(tool), 'trap_loop')).toEqual([]);
  });

  describe('a loop whose only way out no reply can take is a trap', () => {
    /** One step that asks again (fallback back to itself) unless `conditions` lead to a finish. */
    const askAgain = (conditions: Condition[], fallback: string | null = 's0') =>
      aTool()
        .withStep('s0', {
          message: 'Pick one. Text STOP to stop.',
          next: decideBy(conditions, { stepId: fallback }),
        })
        .build();
    const trapsOf = (tool: ToolDefinition) =>
      withCode(problemsOf(tool), 'trap_loop').map((p) => [p.path, p.severity]);

    it.each<[string, Condition[]]>([
      ['a condition with no words', [equalsAny([])]],
      ['a condition with blank words only', [equalsAny([' ', ''])]],
      ['a range no number is in', [between(['gt', 10], ['lt', 5])]],
      [
        'a range against one field that no number is in',
        [between(['gt', { field: '_N' }], ['lt', { field: '_N' }])],
      ],
      ['a condition below a catch-all', [equalsAny(['*'], { goTo: 's0' }), equalsAny(['yes'])]],
      [
        'a number already taken by a condition above',
        [compareTo('gte', 0, { goTo: 's0' }), between(['gt', 1], ['lt', 5])],
      ],
      [
        'words already taken by a condition above',
        [equalsAny(['yes*'], { goTo: 's0' }), equalsAny(['yes', 'Yes please'])],
      ],
      ['only opt-out and help words', [equalsAny(['CANCEL', 'stop', ' Help '])]],
    ])('%s leading to the finish', (_case, conditions) => {
      expect(trapsOf(askAgain(conditions))).toEqual([[['steps', 0], 'error']]);
    });

    it('a catch-all that loops leaves the fallback to the finish unreachable', () => {
      expect(trapsOf(askAgain([equalsAny(['**'], { goTo: 's0' })], null))).toEqual([
        [['steps', 0], 'error'],
      ]);
    });

    it('a way out that depends on a contact field is no sure way out', () => {
      const problems = withCode(
        problemsOf(askAgain([compareTo('lt', { field: '_Max' })])),
        'trap_loop',
      );
      expect(problems).toEqual([
        expect.objectContaining({ path: ['steps', 0], severity: 'error' }),
      ]);
      expect(problems[0]?.message).toContain('contact field');
    });

    it('a range that a comparison with a contact field above may take is no sure way out', () => {
      // A contact whose _Max is 100 sends every number from 1 to 5 back by the first condition.
      const tool = askAgain([
        compareTo('lt', { field: '_Max' }, { goTo: 's0' }),
        between(['gt', 1], ['lt', 5]),
      ]);
      expect(trapsOf(tool)).toEqual([[['steps', 0], 'error']]);
    });

    it.each<[string, Condition[]]>([
      ['a word', [equalsAny(['done'])]],
      ['a wildcard whose plain reading is an opt-out word', [equalsAny(['cancel*'])]],
      ['YES and START, which are replies in a conversation', [equalsAny(['yes', 'start'])]],
      ['a number in range', [between(['gte', 1], ['lte', 5])]],
      [
        'a number a word above does not take in every spelling',
        [equalsAny(['7'], { goTo: 's0' }), between(['gte', 7], ['lte', 7])],
      ],
      [
        'a word after a field comparison that cannot take it',
        [compareTo('lt', { field: '_Max' }, { goTo: 's0' }), equalsAny(['seven'])],
      ],
    ])('is not reported when %s leads out', (_case, conditions) => {
      expect(trapsOf(askAgain(conditions))).toEqual([]);
    });

    it('counts the fallback as a way out while no condition catches all', () => {
      const tool = aTool()
        .withStep('s0', {
          message: 'Pick one. Text STOP to stop.',
          next: decideBy([
            equalsAny(['*a*'], { goTo: 's0' }),
            compareTo('gt', -1e9, { goTo: 's0' }),
          ]),
        })
        .build();
      expect(trapsOf(tool)).toEqual([]);
    });
  });

  describe('reserved words in conditions', () => {
    const words = (values: string[]) =>
      goodTool()
        .withStep('w', { next: decideBy([equalsAny(values, { goTo: 'ask' }), equalsAny(['ok'])]) })
        .build();

    it('warns at each opt-out or help word, saying what a contact who sends it gets instead', () => {
      const problems = withCode(
        problemsOf(words(['yes', 'Cancel', 'no', ' STOP ', 'help', 'info', 'unsubscribe'])),
        'condition_reserved_word',
      );
      expect(problems.map((p) => p.path)).toEqual(
        [1, 3, 4, 5, 6].map((v) => ['steps', 1, 'next', 'conditions', 0, 'values', v]),
      );
      expect(problems.every((p) => p.severity === 'warning')).toBe(true);
      expect(problems[0]?.message).toMatch(
        /CANCEL is a standard opt-out word.*opted out.*never matches/,
      );
      expect(problems[2]?.message).toMatch(/HELP is a standard help word.*keeps waiting/);
    });

    it('warns about a wildcard whose plain reading is a reserved word, without calling it dead', () => {
      const problems = withCode(
        problemsOf(words(['cancel*', '*stop*'])),
        'condition_reserved_word',
      );
      expect(problems.map((p) => p.message)).toEqual([
        expect.stringContaining('a reply of just CANCEL never matches "cancel*"'),
        expect.stringContaining('a reply of just STOP never matches "*stop*"'),
      ]);
    });

    it('takes YES, START and UNSTOP as the replies they are in a conversation', () => {
      expect(
        withCode(problemsOf(words(['yes', 'START', 'unstop'])), 'condition_reserved_word'),
      ).toEqual([]);
    });
  });

  it('does not judge a second step with an id already used, which is never waited on', () => {
    const tool = goodTool()
      .withStep('loop', { next: decideBy([], { stepId: 'loop' }) })
      .withStep('loop', { message: 'Text STOP to stop.', next: finish() })
      .build();
    const problems = problemsOf(tool);
    expect(withCode(problems, 'duplicate_step_id').map((p) => p.path)).toEqual([
      ['steps', 2, 'id'],
    ]);
    expect(withCode(problems, 'trap_loop').map((p) => p.path)).toEqual([['steps', 1]]);
    expect(withCode(problems, 'unreachable_step').map((p) => p.path)).toEqual([['steps', 1]]);
  });

  it('warns about steps nothing leads to', () => {
    const tool = goodTool().withStep('orphan', { next: finish() }).build();
    expect(withCode(problemsOf(tool), 'unreachable_step')).toEqual([
      expect.objectContaining({ path: ['steps', 1], severity: 'warning' }),
    ]);
  });

  it('reports references to missing steps where they are made', () => {
    const tool = aTool()
      .withStep('a', { message: 'Text STOP to stop.', next: finish() })
      .withStep('b', {
        next: decideBy([equalsAny(['x'], { goTo: 'a' }), equalsAny(['y'], { goTo: 'ghost' })], {
          stepId: 'nowhere',
        }),
      })
      .build();
    const paths = withCode(problemsOf(tool), 'missing_step').map((problem) => problem.path);
    expect(paths).toEqual([
      ['steps', 1, 'next', 'conditions', 1, 'nextStepId'],
      ['steps', 1, 'next', 'fallbackStepId'],
    ]);
  });

  it('reports duplicate step ids', () => {
    const tool = goodTool().withStep('ask', { next: finish() }).build();
    expect(withCode(problemsOf(tool), 'duplicate_step_id')).toEqual([
      expect.objectContaining({ path: ['steps', 1, 'id'], severity: 'error' }),
    ]);
  });

  it('reports empty messages, but accepts a media-only message', () => {
    const tool = goodTool()
      .withStep('blank', { message: '   ' })
      .withStep('pic', { message: '', mediaUrls: ['https://x.test/a.png'] })
      .build();
    expect(withCode(problemsOf(tool), 'empty_message').map((problem) => problem.path)).toEqual([
      ['steps', 1, 'message'],
    ]);
  });

  it('allows at most 10 media, each an http(s) URL', () => {
    const urls = Array.from({ length: 11 }, (_, i) => `https://x.test/${i}.jpg`);
    const tool = goodTool()
      .withStep('many', { mediaUrls: urls })
      .withStep('bad', { mediaUrls: ['ftp://x.test/a.png', 'not a url', 'http://x.test/b.PNG'] })
      .build();
    const problems = problemsOf(tool);
    expect(withCode(problems, 'too_many_media').map((p) => p.path)).toEqual([
      ['steps', 1, 'mediaUrls'],
    ]);
    expect(withCode(problems, 'media_url_invalid').map((p) => p.path)).toEqual([
      ['steps', 2, 'mediaUrls', 0],
      ['steps', 2, 'mediaUrls', 1],
    ]);
  });

  it('warns about media carriers may refuse for size', () => {
    const tool = goodTool()
      .withStep('media', {
        mediaUrls: [
          'https://x.test/clip.mp4',
          'https://x.test/fun.gif',
          'https://x.test/a.jpeg?v=2',
          'https://x.test/noext',
        ],
      })
      .build();
    expect(withCode(problemsOf(tool), 'media_may_be_too_large')).toEqual([
      expect.objectContaining({ path: ['steps', 1, 'mediaUrls', 0], severity: 'warning' }),
      expect.objectContaining({ path: ['steps', 1, 'mediaUrls', 1], severity: 'warning' }),
    ]);
  });

  it('refuses bodies over 1,600 characters and warns when merge fields may push them over', () => {
    const tool = goodTool()
      .withStep('long', { message: 'a'.repeat(1601) })
      .withStep('fits', { message: 'a'.repeat(1600) })
      .withStep('merged', { message: 'a'.repeat(1580) + '~Contact.FirstName~' })
      .build();
    const problems = problemsOf(tool);
    expect(withCode(problems, 'body_too_long').map((p) => [p.path, p.severity])).toEqual([
      [['steps', 1, 'message'], 'error'],
    ]);
    expect(withCode(problems, 'body_may_be_too_long').map((p) => [p.path, p.severity])).toEqual([
      [['steps', 3, 'message'], 'warning'],
    ]);
  });

  describe('keyword', () => {
    it('is required in keyword mode, not in HTTP-only mode', () => {
      expect(
        withCode(problemsOf(goodTool().with({ keyword: '  ' }).build()), 'keyword_missing'),
      ).toHaveLength(1);
      expect(
        withCode(problemsOf(goodTool().with({ keyword: null }).build()), 'keyword_missing'),
      ).toHaveLength(1);
      expect(withCode(problemsOf(goodTool().httpOnly().build()), 'keyword_missing')).toHaveLength(
        0,
      );
    });

    it.each(['stop', 'START', ' Help ', 'unsubscribe', 'yes', 'info'])(
      'may not be the reserved word %j',
      (keyword) => {
        expect(
          withCode(problemsOf(goodTool().with({ keyword }).build()), 'keyword_reserved'),
        ).toEqual([expect.objectContaining({ path: ['keyword'], severity: 'error' })]);
      },
    );

    it('may not repeat another tool keyword on the same sender', () => {
      const tool = goodTool().with({ keyword: 'Blue ' }).build();
      expect(
        withCode(problemsOf(tool, { otherKeywordsOnSender: ['red', 'BLUE'] }), 'keyword_taken'),
      ).toHaveLength(1);
      expect(
        withCode(problemsOf(tool, { otherKeywordsOnSender: ['red'] }), 'keyword_taken'),
      ).toHaveLength(0);
    });
  });

  it('needs a sender to publish, and only warns for a draft', () => {
    const tool = goodTool().with({ sender: null }).build();
    expect(withCode(problemsOf(tool), 'sender_missing')).toEqual([
      expect.objectContaining({ path: ['sender'], severity: 'error' }),
    ]);
    expect(withCode(problemsOf(tool, { purpose: 'draft' }), 'sender_missing')).toEqual([
      expect.objectContaining({ severity: 'warning' }),
    ]);
  });

  it('with email first, needs a first step that saves a checked email', () => {
    const good = aTool().collectingEmailFirst().withEmailStep('email', { next: finish() }).build();
    expect(withCode(problemsOf(good), 'email_first_step')).toEqual([]);
    const bad = aTool()
      .collectingEmailFirst()
      .withStep('name', {
        message: 'Name? Text STOP to stop.',
        saveTo: 'FirstName',
        next: finish(),
      })
      .build();
    expect(withCode(problemsOf(bad), 'email_first_step').map((p) => p.path)).toEqual([
      ['steps', 0, 'saveTo'],
      ['steps', 0, 'validation'],
    ]);
    expect(
      withCode(
        problemsOf(
          aTool()
            .collectingEmailFirst()
            .httpOnly()
            .withStep('x', { message: 'STOP', next: finish() })
            .build(),
        ),
        'email_first_step',
      ),
    ).toEqual([]);
  });

  it('warns when the first message has no opt-out language', () => {
    const tool = aTool().withStep('a', { message: 'Hello there', next: finish() }).build();
    expect(withCode(problemsOf(tool), 'opt_out_language_missing')).toEqual([
      expect.objectContaining({ path: ['steps', 0, 'message'], severity: 'warning' }),
    ]);
    const optOut = aTool()
      .withStep('a', { message: 'Reply STOP to unsubscribe', next: finish() })
      .withStep('b', { message: 'No opt-out words, but only sent after a', next: finish() })
      .build();
    expect(withCode(problemsOf(optOut), 'opt_out_language_missing')).toEqual([]);
  });

  it.each(['keyword_or_http', 'http_only'] as const)(
    'in %s mode, also warns on the steps only an HTTP Post can start at, which it sends first',
    (startMode) => {
      const tool = goodTool()
        .with({ startMode })
        .withStep('follow-up', {
          message: 'Still keen? Text STOP to stop.',
          next: { kind: 'next' },
        })
        .withStep('after-follow-up', { message: 'Sent after the follow-up', next: finish() })
        .withStep('renewal', {
          message: 'Time to renew!',
          next: decideBy([], { stepId: 'renewal-2' }),
        })
        .withStep('renewal-2', { message: 'Sure?', next: finish() })
        .withStep('loop-a', {
          message: 'A loop nothing leads into',
          next: decideBy([equalsAny(['x'])], { stepId: 'loop-b' }),
        })
        .withStep('loop-b', {
          message: 'and its other half',
          next: decideBy([], { stepId: 'loop-a' }),
        })
        .build();
      const problems = withCode(problemsOf(tool), 'opt_out_language_missing');
      expect(problems.map((p) => [p.path, p.severity])).toEqual([
        [['steps', 3, 'message'], 'warning'],
        [['steps', 5, 'message'], 'warning'],
      ]);
      expect(problems[0]?.message).toContain('HTTP Post');
    },
  );

  it('warns about merge fields and fields the account does not have', () => {
    const tool = goodTool()
      .withStep('m', {
        message: '~Contact.Firstname~ ~Contact._Color~ ~Contact._Size~ ~Owner.Email~',
        saveTo: '_Mood',
        next: decideBy([
          compareTo('gt', { field: '_Budget' }),
          between(['gt', { field: '_Size' }], ['lt', { field: '_Min' }]),
        ]),
      })
      .build();
    const problems = problemsOf(tool, { customFieldKeys: ['_Size'] });
    const inMessage = withCode(problems, 'merge_field_unknown');
    expect(inMessage.map((p) => [p.path, p.severity])).toEqual([
      [['steps', 1, 'message'], 'warning'],
      [['steps', 1, 'message'], 'warning'],
    ]);
    expect(inMessage[0]?.message).toContain('Did you mean ~Contact.FirstName~?');
    expect(inMessage[1]?.message).toContain('~Contact._Color~');
    const unknown = withCode(problems, 'unknown_field');
    expect(unknown.map((p) => p.path)).toEqual([
      ['steps', 1, 'saveTo'],
      ['steps', 1, 'next', 'conditions', 0, 'value', 'field'],
      ['steps', 1, 'next', 'conditions', 1, 'second', 'value', 'field'],
    ]);
    expect(unknown.every((p) => p.severity === 'warning')).toBe(true);
    expect(withCode(problems, 'unsupported_merge_field')).toHaveLength(1);
  });

  it('checks custom fields in merge fields only against a list of the account fields', () => {
    const tool = goodTool().withStep('m', { message: 'Hi ~Contact._Color~' }).build();
    expect(withCode(problemsOf(tool), 'merge_field_unknown')).toEqual([]);
    expect(
      withCode(problemsOf(tool, { customFieldKeys: ['_Colour'] }), 'merge_field_unknown'),
    ).toEqual([expect.objectContaining({ path: ['steps', 1, 'message'] })]);
  });

  it('warns about misspelt merge fields, which are sent as empty text, with the token to write', () => {
    const tool = goodTool()
      .withStep('m', {
        message:
          'Hi ~Contact.First Name~ ~contact.lastname~ ~Contact._1st~ ~Contact.~ ~Contact.City, bye',
      })
      .build();
    const malformed = withCode(problemsOf(tool), 'merge_field_malformed');
    expect(malformed.map((p) => [p.path, p.severity])).toEqual(
      Array.from({ length: 5 }, () => [['steps', 1, 'message'], 'warning']),
    );
    expect(malformed.map((p) => p.message)).toEqual([
      expect.stringContaining('Write ~Contact.FirstName~.'),
      expect.stringContaining('Write ~Contact.LastName~.'),
      expect.stringContaining('starting with a letter'),
      expect.stringContaining('names no field'),
      expect.stringMatching(/closing ~ is missing.*Write ~Contact.City~\./),
    ]);
  });

  it('warns that merge fields are empty in what a keyword start sends before the email arrives', () => {
    const email = (step = {}) =>
      aTool()
        .collectingEmailFirst()
        .withEmailStep('email', {
          message: 'Hi ~Contact.FirstName~, your email? Text STOP to stop.',
          reaskMessage: 'Your email please, ~Contact.FirstName~.',
          next: finish(),
          ...step,
        });
    expect(
      withCode(problemsOf(email().build()), 'merge_field_before_contact').map((p) => p.path),
    ).toEqual([
      ['steps', 0, 'message'],
      ['steps', 0, 'reaskMessage'],
    ]);
    // An HTTP-only tool knows its contact from the start.
    expect(withCode(problemsOf(email().httpOnly().build()), 'merge_field_before_contact')).toEqual(
      [],
    );
  });

  it('warns about a text of merge fields only, which may come out empty and cannot be sent', () => {
    const tool = goodTool()
      .withStep('m', { message: ' ~Contact.FirstName~ ', reaskMessage: '~Contact.Nickname~' })
      .withStep('pic', { message: '~Contact.FirstName~', mediaUrls: ['https://x.test/a.png'] })
      .build();
    expect(withCode(problemsOf(tool), 'empty_message').map((p) => [p.path, p.severity])).toEqual([
      [['steps', 1, 'message'], 'warning'],
      [['steps', 1, 'reaskMessage'], 'warning'],
    ]);
  });

  it('takes a merge field with a fallback as a well-written merge field, checked like any other', () => {
    const tool = goodTool()
      .withStep('m', {
        message: 'Hi ~Contact.FirstName|there~, ~Contact._Color|your colour~! ~Contact.Frist|you~',
      })
      .build();
    const problems = problemsOf(tool, { customFieldKeys: ['_Color'] });
    expect(withCode(problems, 'merge_field_malformed')).toEqual([]);
    expect(withCode(problems, 'merge_field_unknown').map((p) => p.message)).toEqual([
      expect.stringContaining('~Contact.Frist|you~ does not name a contact field'),
    ]);
  });

  it('offers the fix of a misspelt merge field with its fallback kept', () => {
    const tool = goodTool().withStep('m', { message: 'Hi ~contact.firstname|there~' }).build();
    expect(withCode(problemsOf(tool), 'merge_field_malformed').map((p) => p.message)).toEqual([
      expect.stringContaining('"there" is shown in its place. Write ~Contact.FirstName|there~.'),
    ]);
  });

  it('does not warn about empty merge fields where a fallback is shown instead', () => {
    const tool = aTool()
      .collectingEmailFirst()
      .withEmailStep('email', {
        message: 'Hi ~Contact.FirstName|there~, your email? Text STOP to stop.',
        reaskMessage: '~Contact.FirstName|Friend~',
        next: finish(),
      })
      .build();
    const problems = problemsOf(tool);
    expect(withCode(problems, 'merge_field_before_contact')).toEqual([]);
    expect(withCode(problems, 'empty_message')).toEqual([]);
    const withoutFallback = aTool()
      .collectingEmailFirst()
      .withEmailStep('email', { reaskMessage: '~Contact.FirstName~', next: finish() })
      .build();
    expect(withCode(problemsOf(withoutFallback), 'empty_message')).toHaveLength(1);
  });

  it('says what shows in place of a merge field of another object with a fallback', () => {
    const tool = goodTool().withStep('m', { message: 'From ~Owner.FirstName|the team~' }).build();
    expect(withCode(problemsOf(tool), 'unsupported_merge_field').map((p) => p.message)).toEqual([
      'The merge field ~Owner.FirstName|the team~ is not a contact field; "the team" is shown in its place.',
    ]);
  });

  describe('re-ask and reminder texts', () => {
    it('get the length and merge-field checks of a message', () => {
      const tool = goodTool()
        .withStep('n', {
          validation: 'number',
          reaskMessage: 'A number please, ~Contact.First Name~. ' + 'a'.repeat(1600),
        })
        .withStep('m', {
          validation: 'number',
          reaskMessage: 'Number? ~Contact.Nope~ ' + 'a'.repeat(1570),
        })
        .withOptions({
          reminderMinutesBeforeExpiry: 60,
          reminderMessage: 'Still there, ~contact.firstname~? ~Owner.Email~',
        })
        .build();
      const problems = problemsOf(tool);
      const at = (code: string) => withCode(problems, code).map((p) => [p.path, p.severity]);
      expect(at('body_too_long')).toEqual([[['steps', 1, 'reaskMessage'], 'error']]);
      expect(at('body_may_be_too_long')).toEqual([[['steps', 2, 'reaskMessage'], 'warning']]);
      expect(at('merge_field_malformed')).toEqual([
        [['steps', 1, 'reaskMessage'], 'warning'],
        [['options', 'reminderMessage'], 'warning'],
      ]);
      expect(at('merge_field_unknown')).toEqual([[['steps', 2, 'reaskMessage'], 'warning']]);
      expect(at('unsupported_merge_field')).toEqual([[['options', 'reminderMessage'], 'warning']]);
      expect(withCode(problems, 'body_too_long')[0]?.message).toContain('re-ask text');
    });

    it('may be left empty: a default sentence, or the step again, is sent then', () => {
      const tool = goodTool()
        .withStep('n', { validation: 'number', reaskMessage: '  ' })
        .withOptions({ reminderMinutesBeforeExpiry: 60, reminderMessage: '' })
        .build();
      expect(withCode(problemsOf(tool), 'empty_message')).toEqual([]);
    });
  });

  it('warns about a between that can never match', () => {
    const tool = goodTool()
      .withStep('n', {
        next: decideBy([between(['gt', 10], ['lt', 5]), between(['gt', 1], ['lt', 5])]),
      })
      .build();
    expect(withCode(problemsOf(tool), 'between_never_matches')).toEqual([
      expect.objectContaining({ path: ['steps', 1, 'next', 'conditions', 0], severity: 'warning' }),
    ]);
  });

  it('warns about conditions that match nothing or are never reached', () => {
    const tool = goodTool()
      .withStep('n', {
        next: decideBy([
          equalsAny([' ']),
          equalsAny(['yes', '*']),
          equalsAny(['no']),
          compareTo('gt', 1),
        ]),
      })
      .build();
    const problems = problemsOf(tool);
    expect(withCode(problems, 'condition_empty').map((p) => p.path)).toEqual([
      ['steps', 1, 'next', 'conditions', 0, 'values'],
    ]);
    expect(withCode(problems, 'condition_shadowed').map((p) => p.path)).toEqual([
      ['steps', 1, 'next', 'conditions', 2],
      ['steps', 1, 'next', 'conditions', 3],
    ]);
  });

  it('warns about a reminder that would come after expiry', () => {
    const tool = goodTool()
      .withOptions({ expiryMinutes: 60, reminderMinutesBeforeExpiry: 60 })
      .build();
    expect(withCode(problemsOf(tool), 'reminder_after_expiry')).toHaveLength(1);
  });

  it('warns about a phone field that is not a phone', () => {
    expect(
      withCode(
        problemsOf(goodTool().with({ phoneField: 'City' }).build()),
        'phone_field_not_phone',
      ),
    ).toHaveLength(1);
  });
});

describe('parsing a tool (import)', () => {
  it('applies defaults to a valid tool', () => {
    const result = parseToolDefinition({ name: 'Imported', steps: [{ id: 'a', message: 'Hi' }] });
    expect(result.ok).toBe(true);
    expect(result.tool?.steps[0]?.next).toEqual({ kind: 'next' });
  });

  it('turns schema errors into problems with paths', () => {
    const result = parseToolDefinition({
      name: '',
      steps: [{ id: 'a b', message: 'Hi' }],
      options: { maxReasks: 9 },
    });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([['name'], ['steps', 0, 'id'], ['options', 'maxReasks']]),
    );
    expect(
      result.problems.every(
        (p) => p.severity === 'error' && p.code === 'schema' && p.message.length > 0,
      ),
    ).toBe(true);
    expect(parseToolDefinition('nonsense').ok).toBe(false);
  });

  it('says which field is wrong as the editor names it, never as a path or a pattern', () => {
    const result = parseToolDefinition({
      name: 'Imported',
      steps: [{ id: 'a', message: 'Hi', saveTo: 'Favorite Color' }],
      options: { maxReasks: 9 },
    });
    expect(result.problems.map((p) => p.message)).toEqual([
      'The field message 1 saves the response to is not one of your Keap contact fields. Choose a field from the list.',
      'The times to ask again can be at most 5.',
    ]);
  });
});

describe('Keap API goals', () => {
  const withGoals = (goal: { integration: string; callName: string }) =>
    aTool()
      .withOptions({ optOutGoal: goal })
      .withStep('ask', {
        message: 'Like blue? Text STOP to stop.',
        next: decideBy([equalsAny(['yes'], { goal })], { goal }),
      })
      .build();

  it('accepts names Keap’s campaign builder accepts', () => {
    expect(problemsOf(withGoals({ integration: 'sms_seq', callName: 'Booked2' }))).toEqual([]);
  });

  it('keeps a tool saved before goals existed valid', () => {
    const old = parseToolDefinition({
      name: 'Old',
      steps: [{ id: 'a', message: 'Hi. Text STOP to stop.', next: { kind: 'decide' } }],
    });
    expect(old.ok).toBe(true);
  });

  it('refuses an empty name and one Keap could never match, at the field', () => {
    const problems = withCode(
      problemsOf(withGoals({ integration: '', callName: 'booked call' })),
      'goal_name_invalid',
    );
    expect(problems.map((p) => p.path)).toEqual([
      ['options', 'optOutGoal', 'integration'],
      ['options', 'optOutGoal', 'callName'],
      ['steps', 0, 'next', 'conditions', 0, 'goal', 'integration'],
      ['steps', 0, 'next', 'conditions', 0, 'goal', 'callName'],
      ['steps', 0, 'next', 'fallbackGoal', 'integration'],
      ['steps', 0, 'next', 'fallbackGoal', 'callName'],
    ]);
    expect(problems.every((p) => p.severity === 'error')).toBe(true);
    expect(problems[1]!.message).toBe(
      'The call name of the opt-out goal can only use letters, digits and underscores (at most 40), as in Keap\'s campaign builder. Change "booked call".',
    );
  });
});
