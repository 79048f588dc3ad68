import fc from 'fast-check';
import type {
  ConversationEvent,
  ConversationState,
  NoConversation,
  Transition,
} from './conversation.types';
import { advance } from './machine';
import {
  toolDefinitionSchema,
  type Condition,
  type Next,
  type ToolDefinition,
} from './tool.schema';
import { T0, minutesAfter } from './testing/builders';
import { hasErrors, validateTool } from './validation';

/** Any schema-valid tool of 1–6 steps whose references may point anywhere, even nowhere. */
const toolArbitrary: fc.Arbitrary<ToolDefinition> = fc
  .integer({ min: 1, max: 6 })
  .chain((count) => {
    const ids = Array.from({ length: count }, (_, i) => `s${i}`);
    const target = fc.oneof(fc.constantFrom(...ids), fc.constant(null), fc.constant('ghost'));
    const tag = fc.option(fc.integer({ min: 1, max: 5 }), { nil: null });
    const operand = fc.oneof(
      fc.record({
        source: fc.constant('static' as const),
        value: fc.integer({ min: -5, max: 20 }),
      }),
      fc.record({
        source: fc.constant('field' as const),
        field: fc.constantFrom('_Num', '_Missing', 'FirstName'),
      }),
    );
    const op = fc.constantFrom('lt' as const, 'lte' as const, 'gt' as const, 'gte' as const);
    const condition: fc.Arbitrary<Condition> = fc
      .oneof(
        fc.record({
          kind: fc.constant('equals_any' as const),
          values: fc.array(
            fc.oneof(fc.constantFrom('yes', '*yes*', 'no*', '*', '*a*b*', '$5.00?'), fc.string()),
            { maxLength: 3 },
          ),
        }),
        fc.record({ kind: fc.constant('compare' as const), op, value: operand }),
        fc.record({
          kind: fc.constant('between' as const),
          first: fc.record({ op, value: operand }),
          second: fc.record({ op, value: operand }),
        }),
      )
      .chain((shape) =>
        fc
          .record({ id: fc.constantFrom('c1', 'c2', 'c3'), tagId: tag, nextStepId: target })
          .map((rest) => ({ ...shape, ...rest }) as Condition),
      );
    const next: fc.Arbitrary<Next> = fc.oneof(
      fc.constant({ kind: 'next' as const }),
      fc.constant({ kind: 'finish' as const }),
      fc.record({
        kind: fc.constant('decide' as const),
        conditions: fc.array(condition, { maxLength: 4 }),
        fallbackTagId: tag,
        fallbackStepId: target,
      }),
    );
    const step = (id: string) =>
      fc.record({
        id: fc.constant(id),
        message: fc.constantFrom(
          'Hi ~Contact.FirstName~',
          'Text STOP to stop',
          '',
          '~Contact._Num~ ~Owner.X~',
        ),
        saveTo: fc.constantFrom(null, 'Email', '_Num', 'FirstName'),
        validation: fc.constantFrom('none' as const, 'email' as const, 'number' as const),
        next,
      });
    return fc
      .record({
        steps: fc.tuple(...ids.map(step)),
        collectEmailFirst: fc.boolean(),
        startMode: fc.constantFrom('keyword_or_http' as const, 'http_only' as const),
        options: fc.record({
          maxReasks: fc.integer({ min: 0, max: 3 }),
          expiryMinutes: fc.integer({ min: 1, max: 300 }),
          reminderMinutesBeforeExpiry: fc.option(fc.integer({ min: 1, max: 400 }), { nil: null }),
          createNote: fc.boolean(),
          optOutTagId: tag,
          invalidNumberTagId: tag,
        }),
      })
      .map((input) =>
        toolDefinitionSchema.parse({
          name: 'Generated',
          keyword: 'GO',
          sender: { kind: 'phone_number', phoneNumber: '+15005550006' },
          ...input,
        }),
      );
  });

const eventArbitrary = (minute: number): fc.Arbitrary<ConversationEvent> => {
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
        fc.constantFrom('yes', 'STOP', 'help', '7', '$1,200', 'a@b.co', 'no', ''),
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
      { type: 'send_failed' as const, at, reason: 'unsubscribed' as const },
    ),
  );
};

const eventsArbitrary = fc
  .array(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 25 })
  .chain((gaps) => {
    let minute = 0;
    return fc.tuple(...gaps.map((gap) => eventArbitrary((minute += gap))));
  });

/** The test's own reachability: a plain fixed point, independent of the graph library. */
function stepsThatCanFinish(tool: ToolDefinition): Set<string> {
  const ids = new Set(tool.steps.map((s) => s.id));
  const exits = (index: number): (string | 'FINISH')[] => {
    const step = tool.steps[index]!;
    const resolve = (id: string | null) => (id !== null && ids.has(id) ? id : 'FINISH');
    if (step.next.kind === 'finish') return ['FINISH'];
    if (step.next.kind === 'next') return [tool.steps[index + 1]?.id ?? 'FINISH'];
    return [
      ...step.next.conditions.map((c) => resolve(c.nextStepId)),
      resolve(step.next.fallbackStepId),
    ];
  };
  const good = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    tool.steps.forEach((step, index) => {
      if (!good.has(step.id) && exits(index).some((exit) => exit === 'FINISH' || good.has(exit))) {
        good.add(step.id);
        changed = true;
      }
    });
  }
  return good;
}

describe('the state machine, for any tool and any events', () => {
  it('never throws and never points at a missing step', () => {
    fc.assert(
      fc.property(toolArbitrary, eventsArbitrary, (tool, events) => {
        const ids = new Set(tool.steps.map((s) => s.id));
        let state: ConversationState | null = null;
        for (const event of events) {
          const transition: Transition | NoConversation = advance(tool, state, event);
          state = transition.state;
          if (state !== null && state.currentStepId !== null)
            expect(ids.has(state.currentStepId)).toBe(true);
          for (const effect of transition.effects) {
            if (effect.type === 'send_message' && effect.stepId !== null)
              expect(ids.has(effect.stepId)).toBe(true);
          }
          if (transition.outcome.kind === 'ignored') expect(transition.effects).toEqual([]);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('sends nothing once the conversation has ended', () => {
    fc.assert(
      fc.property(toolArbitrary, eventsArbitrary, (tool, events) => {
        let state: ConversationState | null = null;
        let ended = false;
        for (const event of events) {
          const transition: Transition | NoConversation = advance(tool, state, event);
          if (ended) expect(transition.effects).toEqual([]);
          state = transition.state;
          ended = ended || transition.effects.some((e) => e.type === 'conversation_ended');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('validation, for any tool', () => {
  it('flags a trap loop exactly when some step cannot reach a finish', () => {
    fc.assert(
      fc.property(toolArbitrary, (tool) => {
        const canFinish = stepsThatCanFinish(tool);
        const trapped = validateTool(tool)
          .filter((p) => p.code === 'trap_loop')
          .map((p) => tool.steps[p.path[1] as number]!.id);
        expect(new Set(trapped)).toEqual(
          new Set(tool.steps.map((s) => s.id).filter((id) => !canFinish.has(id))),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('a tool without errors can reach a finish from every step', () => {
    let passing = 0;
    fc.assert(
      fc.property(toolArbitrary, (tool) => {
        if (hasErrors(validateTool(tool))) return;
        passing++;
        expect(stepsThatCanFinish(tool).size).toBe(tool.steps.length);
      }),
      { numRuns: 600 },
    );
    // The property must have been exercised, not skipped.
    expect(passing).toBeGreaterThan(0);
  });
});
