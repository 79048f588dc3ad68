/**
 * Typed Keap failures. `retryable` tells a queue whether trying the same call later can succeed
 * (throttles, outages, time-outs) or not (a bad request, a missing record, a revoked grant).
 */
export abstract class KeapError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 5xx from Keap, or the token endpoint answering 5xx. */
export class KeapServerError extends KeapError {
  readonly retryable = true;
}

/** No answer: connection refused or reset, DNS, or our time-out. */
export class KeapNetworkError extends KeapError {
  readonly retryable = true;
}

/** 429 that outlived our bounded backoff; try again after `retryAfterMs`. */
export class KeapRateLimitedError extends KeapError {
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message, 429);
  }
}

/**
 * The OAuth app's daily quota is used up (the 429 carried `x-keap-product-quota-available: 0`)
 * until `resetsAt` (its `x-keap-product-quota-expiry-time`, when Keap sent one). Keap sends no
 * header for a tenant's daily quota, so a 429 from that one is a KeapRateLimitedError.
 */
export class KeapQuotaExhaustedError extends KeapError {
  readonly retryable = true;
  constructor(
    message: string,
    readonly resetsAt: Date | null,
  ) {
    super(message, 429);
  }
}

/** 404: the contact, tag or note does not exist (any more). */
export class KeapNotFoundError extends KeapError {
  readonly retryable = false;
}

/** 400/409/422: Keap refused the request's content; `details` is Keap's explanation. */
export class KeapValidationError extends KeapError {
  readonly retryable = false;
  constructor(
    message: string,
    status: number,
    readonly details?: unknown,
  ) {
    super(message, status);
  }
}

/**
 * Keap does not accept our access: a 401 that a fresh access token did not cure (KeapHttp refreshes
 * once on a 401 before it throws this), or one of the subclasses below.
 */
export class KeapAuthError extends KeapError {
  readonly retryable = false;
}

/**
 * The token endpoint refused the app's own client id and secret (`invalid_client`, or a 401): the
 * app is misconfigured. Says nothing about any account's grant, which stands.
 */
export class KeapClientCredentialsError extends KeapAuthError {}

/**
 * 403: Keap took the token and does not allow this call for the Keap user who authorized the app
 * (that user's permissions). The grant stands and other calls still work, so this is no
 * KeapAuthError, and a token refresh cannot cure it.
 */
export class KeapForbiddenError extends KeapError {
  readonly retryable = false;
  constructor(readonly keapSaid: string) {
    super(
      `Keap does not allow this for the Keap user who authorized the app (403): ${keapSaid}`,
      403,
    );
  }
}

/**
 * The refresh token or authorization code is no longer valid (`invalid_grant`): the user
 * disconnected the app, or the grant expired. Only reconnecting (OAuth again) helps.
 */
export class KeapGrantRevokedError extends KeapAuthError {}

/** No tokens stored for the account: it was never connected. */
export class KeapNotConnectedError extends KeapAuthError {}

/** A field key the account's Keap app does not have (e.g. a deleted custom field). */
export class KeapUnknownFieldError extends KeapError {
  readonly retryable = false;
  constructor(readonly fieldKey: string) {
    super(`Keap has no contact field "${fieldKey}"`);
  }
}
