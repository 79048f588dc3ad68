import { useMemo } from 'react';
import {
  schemaProblems,
  toolDefinitionSchema,
  validateTool,
  type Problem,
  type ToolDefinition,
} from '@sms-seq/engine';
import { indexProblems, type ProblemIndex } from './problem-index';
import { withServerProblems } from './server-problems';

export interface LiveValidation {
  problems: ProblemIndex;
  /** The form's values read through the engine's schema (defaults applied); null while they do not fit it. */
  tool: ToolDefinition | null;
}

export interface ServerJudgement {
  /** The draft the server last saved or loaded, and the problems it found in it. */
  draft: ToolDefinition;
  problems: readonly Problem[];
}

/**
 * Live validation: on every change the engine's schema reads the form, then the engine's
 * `validateTool` judges it — the same code the API runs on save and publish. It takes well under a
 * millisecond for a tool of dozens of steps, so it runs in the render (a deferred value was starved
 * by the map's continual measuring updates and showed stale problems). What only the server can
 * judge (a keyword live on another tool) comes from its answer to the last load or save.
 */
export function useLiveProblems(
  values: unknown,
  customFieldKeys: readonly string[] | undefined,
  server: ServerJudgement,
): LiveValidation {
  return useMemo(() => {
    const parsed = toolDefinitionSchema.safeParse(values);
    if (!parsed.success)
      return { problems: indexProblems(schemaProblems(parsed.error)), tool: null };
    const live = validateTool(parsed.data, {
      purpose: 'publish',
      ...(customFieldKeys ? { customFieldKeys } : {}),
    });
    return {
      problems: indexProblems(withServerProblems(live, server.problems, server.draft, parsed.data)),
      tool: parsed.data,
    };
  }, [values, customFieldKeys, server]);
}
