import type { ErrorCode } from './error-codes';

/**
 * Errors are values with names. A service throws a DomainError subclass; the one exception filter
 * turns it into an HTTP answer with a message a person can act on.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** A stable machine-readable code, e.g. `tool_not_found`. */
  abstract readonly code: ErrorCode;
  /** Extra structured detail (e.g. validation problems with paths). */
  readonly details?: unknown;

  constructor(message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  constructor(
    what: string,
    readonly code: ErrorCode,
  ) {
    super(`${what} was not found. It may have been deleted: reload the page to see what is there.`);
  }
}

export class InvalidInputError extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_input';
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly code = 'forbidden';
}

/** A client over its rate limit; the answer carries Retry-After. */
export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  readonly code = 'rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super(
      `Too many requests from your address. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`,
    );
  }
}
