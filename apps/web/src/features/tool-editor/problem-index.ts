import type { Problem, ProblemPath } from '@sms-seq/engine';

/**
 * The engine reports each problem with the path of the field it is about; the form marks the field
 * at that path, a step card everything under `steps.N`, and the map the node of step N.
 */

export const pathKey = (path: ProblemPath | readonly (string | number)[]): string => path.join('.');

export interface ProblemIndex {
  all: Problem[];
  errors: Problem[];
  warnings: Problem[];
  /** Problems about exactly this field. */
  at(key: string): Problem[];
  /** Problems about this field or anything inside it. */
  under(key: string): Problem[];
}

export function indexProblems(problems: Problem[]): ProblemIndex {
  const exact = new Map<string, Problem[]>();
  for (const problem of problems) {
    const key = pathKey(problem.path);
    exact.set(key, [...(exact.get(key) ?? []), problem]);
  }
  return {
    all: problems,
    errors: problems.filter((problem) => problem.severity === 'error'),
    warnings: problems.filter((problem) => problem.severity === 'warning'),
    at: (key) => exact.get(key) ?? [],
    under: (key) =>
      problems.filter((problem) => {
        const own = pathKey(problem.path);
        return own === key || own.startsWith(`${key}.`);
      }),
  };
}

/** The messages to show under a field: errors first, then warnings. */
export function fieldMessages(problems: Problem[]): {
  error: string | null;
  warning: string | null;
} {
  const join = (severity: Problem['severity']) =>
    problems
      .filter((problem) => problem.severity === severity)
      .map((problem) => problem.message)
      .join(' ') || null;
  return { error: join('error'), warning: join('warning') };
}

/** Moves focus to the field a problem is about (or the nearest enclosing part of the form). */
export function focusPath(path: ProblemPath): void {
  for (let length = path.length; length > 0; length -= 1) {
    const key = pathKey(path.slice(0, length));
    const element = document.querySelector<HTMLElement>(`[data-path="${CSS.escape(key)}"]`);
    if (element) {
      element.scrollIntoView({ behavior: 'smooth', block: 'center' });
      element.focus({ preventScroll: true });
      return;
    }
  }
}
