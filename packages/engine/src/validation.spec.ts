import {
  hasErrors,
  parseToolDefinition,
  validateTool,
  type Problem,
  type ValidationContext,
} from './validation';
import type { ToolDefinition } from './tool.schema';
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
      .build();
    expect(withCode(problemsOf(optOut), 'opt_out_language_missing')).toEqual([]);
  });

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
    const unknown = withCode(problems, 'unknown_field');
    expect(unknown.map((p) => p.path)).toEqual([
      ['steps', 1, 'message'],
      ['steps', 1, 'message'],
      ['steps', 1, 'saveTo'],
      ['steps', 1, 'next', 'conditions', 0, 'value', 'field'],
      ['steps', 1, 'next', 'conditions', 1, 'second', 'value', 'field'],
    ]);
    expect(unknown[0]?.message).toContain('Did you mean FirstName?');
    expect(unknown.every((p) => p.severity === 'warning')).toBe(true);
    expect(withCode(problems, 'unsupported_merge_field')).toHaveLength(1);
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
});
