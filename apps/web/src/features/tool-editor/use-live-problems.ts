import { useDeferredValue, useMemo } from 'react';
import { schemaProblems, toolDefinitionSchema, validateTool, type ToolDefinition, type ValidationContext } from '@sms-seq/engine';
import { indexProblems, type ProblemIndex } from './problem-index';

export interface LiveValidation {
  problems: ProblemIndex;
  /** The form's values read through the engine's schema (defaults applied); null while they do not fit it. */
  tool: ToolDefinition | null;
}

/**
 * Live validation: on every change the engine's schema reads the form, then the engine's
 * `validateTool` judges it — the same code the API runs on save and publish. Deferred so typing
 * never waits for it.
 */
export function useLiveProblems(values: unknown, context: ValidationContext): LiveValidation {
  const deferred = useDeferredValue(values);
  const { otherKeywordsOnSender, customFieldKeys } = context;
  return useMemo(() => {
    const parsed = toolDefinitionSchema.safeParse(deferred);
    if (!parsed.success) return { problems: indexProblems(schemaProblems(parsed.error)), tool: null };
    const problems = validateTool(parsed.data, { purpose: 'publish', otherKeywordsOnSender, customFieldKeys });
    return { problems: indexProblems(problems), tool: parsed.data };
  }, [deferred, otherKeywordsOnSender, customFieldKeys]);
}
