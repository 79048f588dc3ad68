import fc from 'fast-check';
import type {
  ContactSnapshot,
  ConversationEvent,
  ConversationState,
  NoConversation,
  Transition,
} from './conversation.types';
import { advance } from './machine';
import type { ToolDefinition } from './tool.schema';
import { contactArbitrary, eventsArbitrary, toolArbitrary } from './testing/arbitraries';
import { T0 } from './testing/builders';
import { explore } from './testing/explore';
import { hasErrors, validateTool } from './validation';

const PHONE = '+14155550123';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Starts by HTTP Post at step `index` and searches real replies for a way to `finished`. */
function canFinishFromStep(tool: ToolDefinition, index: number, contact: ContactSnapshot) {
  const start = advance(tool, null, {
    type: 'start_http',
    at: T0,
    phone: PHONE,
    contact,
    startStepId: tool.steps[index]!.id,
  });
  return explore(tool, start, contact).finished;
}

const hasDuplicateIds = (tool: ToolDefinition) =>
  new Set(tool.steps.map((step) => step.id)).size !== tool.steps.length;

/** Whether any condition compares with a contact field (its outcome then depends on the contact). */
const comparesWithFields = (tool: ToolDefinition) =>
  tool.steps.some(
    (step) =>
      step.next.kind === 'decide' &&
      step.next.conditions.some(
        (c) =>
          (c.kind === 'compare' && c.value.source === 'field') ||
          (c.kind === 'between' &&
            (c.first.value.source === 'field' || c.second.value.source === 'field')),
      ),
  );

describe('the state machine, for any tool and any events', () => {
  it('never throws and never points at a missing step, even with duplicate step ids', () => {
    fc.assert(
      fc.property(toolArbitrary({ duplicateIds: true }), eventsArbitrary, (tool, events) => {
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
      fc.property(toolArbitrary({ duplicateIds: true }), eventsArbitrary, (tool, events) => {
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

  it('answers the same event the same way twice and changes none of its inputs', () => {
    fc.assert(
      fc.property(toolArbitrary({ duplicateIds: true }), eventsArbitrary, (input, events) => {
        const tool = deepFreeze(structuredClone(input));
        let state: ConversationState | null = null;
        for (const raw of events) {
          const event: ConversationEvent = deepFreeze(structuredClone(raw));
          const before = structuredClone({ tool, state, event });
          // Frozen inputs: any write to the tool, the state, its contact fields or the event throws.
          const first: Transition | NoConversation = advance(tool, state, event);
          const second = advance(tool, state, event);
          expect(second).toEqual(first);
          expect({ tool, state, event }).toEqual(before);
          state = deepFreeze(first.state);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never sends a merge token raw, however it is written', () => {
    const token = /~\s*contact\s*\.|contact\.[a-z0-9_]*~/i;
    fc.assert(
      fc.property(toolArbitrary({ duplicateIds: true }), eventsArbitrary, (tool, events) => {
        let state: ConversationState | null = null;
        for (const event of events) {
          const transition: Transition | NoConversation = advance(tool, state, event);
          for (const effect of transition.effects) {
            if (effect.type === 'send_message') expect(effect.body).not.toMatch(token);
          }
          state = transition.state;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('validation, judged by real replies to the machine', () => {
  it('a tool without errors can reach a finish from every step, whatever the contact', () => {
    let passing = 0;
    let withFields = 0;
    fc.assert(
      fc.property(toolArbitrary(), contactArbitrary, (tool, contact) => {
        if (hasErrors(validateTool(tool))) return;
        passing++;
        if (comparesWithFields(tool)) withFields++;
        tool.steps.forEach((step, index) => {
          if (!canFinishFromStep(tool, index, contact))
            throw new Error(
              `step ${index} ("${step.id}") cannot finish for ${JSON.stringify(contact)}`,
            );
        });
        if (tool.startMode === 'keyword_or_http') {
          const start = advance(tool, null, { type: 'start_keyword', at: T0, phone: PHONE });
          expect(explore(tool, start, contact).finished).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
    // The property must have been exercised, not skipped, also with field-valued conditions.
    expect(passing).toBeGreaterThan(100);
    expect(withFields).toBeGreaterThan(5);
  });

  it('reports a trap loop exactly on the steps real replies cannot lead to a finish', () => {
    let trapped = 0;
    fc.assert(
      fc.property(toolArbitrary(), (tool) => {
        // With field-valued conditions the answer depends on the contact; checked above.
        if (hasDuplicateIds(tool) || comparesWithFields(tool)) return;
        const reported = validateTool(tool)
          .filter((p) => p.code === 'trap_loop')
          .map((p) => p.path[1]);
        const stuck = tool.steps
          .map((_step, index) => index)
          .filter((index) => !canFinishFromStep(tool, index, { id: 1, fields: {} }));
        trapped += stuck.length;
        expect(reported).toEqual(stuck);
      }),
      { numRuns: 800 },
    );
    expect(trapped).toBeGreaterThan(20);
  });
});
