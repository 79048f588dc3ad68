import {
  KeapAuthError,
  KeapClientCredentialsError,
  KeapError,
  KeapForbiddenError,
  KeapNotFoundError,
  KeapQuotaExhaustedError,
  KeapRateLimitedError,
  KeapUnknownFieldError,
  KeapValidationError,
} from '@sms-seq/crm-keap';
import { DomainError } from '../../errors/domain-error';
import type { ErrorCode } from '../../errors/error-codes';
import { KeapDisconnectedError } from './keap-disconnected.error';

/** Why an account is disconnected when Keap refuses our access even with a fresh token. */
export const KEAP_REFUSED_REASON = 'Keap refused our access, even with a fresh token.';

/** Keap is down, unreachable or throttling us: the same request can work in a minute (503). */
export class KeapUnavailableError extends DomainError {
  readonly status = 503;
  readonly code = 'keap_unavailable';
  constructor(
    message = 'Keap did not answer. Nothing was changed; try again in a minute.',
    readonly retryAfterSeconds = 60,
  ) {
    super(message);
  }
}

/**
 * Keap's token endpoint refused the app's own client id and secret (KEAP_CLIENT_ID /
 * KEAP_CLIENT_SECRET): the deployment is misconfigured. No account's grant is at fault, so none is
 * disconnected; the same request works once the app's credentials are right (503).
 */
export class KeapAppMisconfiguredError extends DomainError {
  readonly status = 503;
  readonly code = 'keap_app_misconfigured';
  readonly retryAfterSeconds = 300;
  constructor() {
    super(
      "Keap refused this app's own credentials, so nothing could be read from Keap. The fault is with the app's set-up, not with your Keap account, which stays connected: tell the app's administrator, then try again.",
    );
  }
}

/** Keap answered, and refused the request's content or did not know the record. */
export class KeapRefusedError extends DomainError {
  readonly code: ErrorCode;
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
    details?: unknown,
  ) {
    super(message, details);
    this.code = code;
  }
}

/**
 * The one place where Keap's typed failures (packages/crm-keap) become answers a console user can
 * act on: retryable ones are "try again in a minute", a dead grant is "reconnect Keap", and
 * refusals carry Keap's own words. Anything that is not a Keap failure is returned unchanged.
 */
export function keapFailureToDomain(err: unknown, accountId?: string): unknown {
  if (!(err instanceof KeapError)) return err;
  if (err instanceof KeapQuotaExhaustedError) {
    const until = err.resetsAt ? ` until ${err.resetsAt.toISOString().slice(11, 16)} UTC` : '';
    const wait = err.resetsAt
      ? Math.max(60, Math.ceil((err.resetsAt.getTime() - Date.now()) / 1000))
      : 3600;
    return new KeapUnavailableError(
      `Keap's daily API allowance is used up${until}. Try again later.`,
      wait,
    );
  }
  if (err instanceof KeapRateLimitedError) {
    return new KeapUnavailableError(
      'Keap is busy and asked us to slow down. Try again in a minute.',
      Math.max(1, Math.ceil(err.retryAfterMs / 1000)),
    );
  }
  if (err.retryable) return new KeapUnavailableError();
  if (err instanceof KeapClientCredentialsError) return new KeapAppMisconfiguredError();
  if (err instanceof KeapForbiddenError) {
    return new KeapRefusedError(
      403,
      'keap_forbidden',
      `Keap did not allow this for the Keap user who connected the app: ${err.keapSaid.replace(/[.\s]+$/, '') || 'no reason given'}. Ask a Keap administrator to give that user the permission, or connect Keap as a user who has it. Your Keap connection is kept.`,
    );
  }
  if (err instanceof KeapAuthError) {
    // A fresh token did not help (or the grant is gone): only connecting Keap again does.
    return new KeapDisconnectedError(accountId ?? '', KEAP_REFUSED_REASON);
  }
  if (err instanceof KeapNotFoundError)
    return new KeapRefusedError(
      404,
      'keap_not_found',
      'Keap does not have that record (any more). Reload and try again.',
    );
  if (err instanceof KeapUnknownFieldError) {
    return new KeapRefusedError(
      400,
      'keap_unknown_field',
      `Keap has no contact field "${err.fieldKey}". Refresh the field list and pick another.`,
    );
  }
  if (err instanceof KeapValidationError) {
    return new KeapRefusedError(
      err.status === 409 ? 409 : 400,
      'keap_refused',
      `Keap refused the request: ${err.message.replace(/[.\s]+$/, '') || 'no reason given'}. Check what you entered, then try again.`,
      err.details,
    );
  }
  return new KeapUnavailableError();
}

/** True for failures where the same Keap call can succeed later (outage, throttle, time-out). */
export function isRetryableKeapFailure(err: unknown): boolean {
  return err instanceof KeapError && err.retryable;
}
