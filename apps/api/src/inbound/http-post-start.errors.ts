import { DomainError } from '../errors/domain-error';
import type { ErrorCode } from '../errors/error-codes';

export class ToolUrlNotFoundError extends DomainError {
  readonly status = 404;
  readonly code = 'tool_not_found';
  constructor() {
    super('No tool has this URL. Copy the tool URL again from the tool’s page in the console.');
  }
}

export class ContactIdInvalidError extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_contact_id';
}

export class StartStepUnknownError extends DomainError {
  readonly status = 400;
  readonly code = 'unknown_step';
}

export class ToolNotStartableError extends DomainError {
  readonly status = 409;
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
