import type { ToolDefinitionInput } from '@sms-seq/engine';
import { aKeywordTool } from './fixtures';

/** How many steps the large tool has (issue 16's hard case). */
export const TWENTY_STEPS = 20;

/**
 * Issue 16's hard case: 20 steps, each with five conditions and a "no match" (two branches into
 * the same next step, one looping to itself, one back two steps). Shared by the canvas test and
 * the canvas first-load measurement.
 */
export function twentyStepTool(): ToolDefinitionInput {
  const id = (index: number) => (index < TWENTY_STEPS ? `s${index}` : null);
  const compare = (op: 'lt' | 'gt', value: number) => ({
    kind: 'compare' as const,
    op,
    value: { source: 'static' as const, value },
  });
  return aKeywordTool({
    name: 'Twenty questions',
    keyword: 'QUOTE',
    steps: Array.from({ length: TWENTY_STEPS }, (_, index) => ({
      id: `s${index}`,
      name: `Ask ${index + 1}`,
      message: `Question ${index + 1}: how many do you need? Text STOP to stop.`,
      next: {
        kind: 'decide' as const,
        conditions: [
          { id: `s${index}-c0`, ...compare('lt', 300), nextStepId: id(index + 1) },
          {
            id: `s${index}-c1`,
            kind: 'between' as const,
            first: { op: 'gte' as const, value: { source: 'static' as const, value: 300 } },
            second: { op: 'lte' as const, value: { source: 'static' as const, value: 600 } },
            nextStepId: id(index + 1),
          },
          { id: `s${index}-c2`, ...compare('gt', 600), nextStepId: id(index + 2) },
          {
            id: `s${index}-c3`,
            kind: 'equals_any' as const,
            values: ['again', 'repeat'],
            nextStepId: `s${index}`,
          },
          {
            id: `s${index}-c4`,
            kind: 'equals_any' as const,
            values: ['back'],
            nextStepId: `s${Math.max(index - 2, 0)}`,
          },
        ],
        fallbackStepId: id(index + 1),
      },
    })),
  });
}
