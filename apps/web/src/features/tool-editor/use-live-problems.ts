import { useMemo } from 'react';
import {
  schemaProblems,
  toolDefinitionSchema,
  validateTool,
  type ToolDefinition,
  type ValidationContext,
} from '@sms-seq/engine';
import { indexProblems, type ProblemIndex } from './problem-index';

export interface LiveValidation {
  problems: ProblemIndex;
  /** The form's values read through the engine's schema (defaults applied); null while they do not fit it. */
  tool: ToolDefinition | null;
}

/**
 * Live validation: on every change the engine's schema reads the form, then the engine's
 * `validateTool` judges it — the same code the API runs on save and publish. It takes well under a
 * millisecond for a tool of dozens of steps, so it runs in the render (a deferred value was starved
 * by the map's continual measuring updates and showed stale problems).
 */
export function useLiveProblems(values: unknown, context: ValidationContext): LiveValidation {
  const { otherKeywordsOnSender, customFieldKeys } = context;
  return useMemo(() => {
    const parsed = toolDefinitionSchema.safeParse(values);
    if (!parsed.success)
      return { problems: indexProblems(schemaProblems(parsed.error)), tool: null };
    const problems = validateTool(parsed.data, {
      purpose: 'publish',
      otherKeywordsOnSender,
      customFieldKeys,
    });
    return { problems: indexProblems(problems), tool: parsed.data };
  }, [values, otherKeywordsOnSender, customFieldKeys]);
}
