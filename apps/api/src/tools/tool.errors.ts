import type { Problem } from '@sms-seq/engine';
import { DomainError } from '../errors/domain-error';

export class ToolHasProblemsError extends DomainError {
  readonly status = 422;
  readonly code = 'tool_has_problems';
  constructor(problems: Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(
      `The tool has ${errors.length} problem${errors.length === 1 ? '' : 's'} to fix before it can be published.`,
      problems,
    );
  }
}

export class InvalidToolDefinitionError extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_tool_definition';
  constructor(problems: Problem[]) {
    super(
      `The tool definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was saved.`,
      problems,
    );
  }
}

export class StaleDraftError extends DomainError {
  readonly status = 409;
  readonly code = 'stale_draft';
  constructor() {
    super(
      'Someone saved this tool since you opened it. Reload to see their changes, then edit again.',
    );
  }
}

export class KeywordTakenError extends DomainError {
  readonly status = 409;
  readonly code = 'keyword_taken';
  constructor(keyword: string) {
    super(
      `Another published tool already uses the keyword "${keyword}" on this sender. Choose another keyword.`,
    );
  }
}
