import axios, { type AxiosInstance, type AxiosResponse, type Method, isAxiosError } from 'axios';
import {
  KeapAuthError,
  KeapError,
  KeapForbiddenError,
  KeapNetworkError,
  KeapNotFoundError,
  KeapQuotaExhaustedError,
  KeapRateLimitedError,
  KeapServerError,
  KeapValidationError,
} from './errors';
import type { KeapCallContext, KeapCallPriority, KeapGrant, KeapRequestGate } from './request-gate';

/** One HTTP attempt, reported to `onCall` (so the app can count Keap calls per conversation). */
export interface KeapCallRecord extends KeapCallContext {
  /** HTTP status, or 0 when no answer came. */
  status: number;
  attempt: number;
  durationMs: number;
}

export interface KeapRetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface KeapHttpOptions {
  /** The spec's server: https://api.keap.com/crm (the sandbox: http://host:port/crm). */
  baseUrl: string;
  accountId: string;
  /** A valid access token; with `rejectedToken`, one newer than the token Keap just refused. */
  accessToken: (options: { rejectedToken?: string }) => Promise<string>;
  gate?: KeapRequestGate;
  onCall?: (call: KeapCallRecord) => void;
  retry?: Partial<KeapRetryPolicy>;
  /** Per attempt; never longer than the gate's `maxCallMs` (default `DEFAULT_KEAP_TIMEOUT_MS`). */
  timeoutMs?: number;
  /**
   * Told when the gate could not take a call's answer (its store is down, it was closed): the
   * call's own outcome stands, so log it and go on. Defaults to console.warn.
   */
  onGateError?: (err: unknown, call: KeapCallContext) => void;
  /** Waits between retries; tests pass a fast one. */
  sleep?: (ms: number) => Promise<void>;
  http?: AxiosInstance;
}

export interface KeapRequest {
  kind: string;
  method: Method;
  /** Path under the server, e.g. `/rest/v2/contacts`. */
  path: string;
  params?: Record<string, string | string[] | number | undefined>;
  body?: unknown;
  priority?: KeapCallPriority;
  /**
   * false: a 5xx or no answer is not retried here (the write may have been applied); the caller
   * checks and retries. 429s and 401s are still handled (Keap did not apply those).
   */
  retryAmbiguous?: boolean;
}

/** How long one attempt may take before the client gives up on it. */
export const DEFAULT_KEAP_TIMEOUT_MS = 15_000;

const DEFAULT_RETRY: KeapRetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Sends Keap requests: through the gate, with the bearer token, bounded exponential backoff on
 * 429/5xx/network failures (Retry-After first), one token refresh on 401, and typed errors.
 */
export class KeapHttp {
  private readonly http: AxiosInstance;
  private readonly retry: KeapRetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;

  constructor(private readonly options: KeapHttpOptions) {
    this.http = options.http ?? axios.create();
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    // The gate counts an unanswered call for `maxCallMs` at most: give up on it by then.
    this.timeoutMs = Math.min(
      options.timeoutMs ?? DEFAULT_KEAP_TIMEOUT_MS,
      options.gate?.maxCallMs ?? Infinity,
    );
  }

  /** Per attempt, in ms: the configured time-out, capped by the gate's `maxCallMs`. */
  get attemptTimeoutMs(): number {
    return this.timeoutMs;
  }

  async send<T>(
    request: KeapRequest,
    defaultPriority: KeapCallPriority,
  ): Promise<{ status: number; data: T }> {
    const ctx: KeapCallContext = {
      accountId: this.options.accountId,
      priority: request.priority ?? defaultPriority,
      kind: request.kind,
    };
    let rejectedToken: string | undefined;
    let refreshedAfter401 = false;
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.options.accessToken(
        rejectedToken === undefined ? {} : { rejectedToken },
      );
      const grant: KeapGrant | undefined = await this.options.gate?.acquire(ctx);
      const started = Date.now();
      let response: AxiosResponse | undefined;
      let failure: unknown;
      try {
        response = await this.http.request({
          baseURL: this.options.baseUrl,
          url: request.path,
          method: request.method,
          params: request.params,
          // `update_mask` goes as repeated keys (the spec's default explode: true).
          paramsSerializer: { indexes: null },
          data: request.body,
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
          timeout: this.timeoutMs,
          validateStatus: () => true,
        });
      } catch (err) {
        failure = err;
      }
      const status = response?.status ?? 0;
      this.options.onCall?.({ ...ctx, status, attempt, durationMs: Date.now() - started });
      // Every granted call is answered to the gate, a network failure too (status 0, no headers):
      // until then the budget counts it as still on its way to Keap.
      if (this.options.gate) await this.answerGate(grant ?? ctx, status, response);

      if (response && status < 400) return { status, data: response.data as T };

      if (response && status === 401 && !refreshedAfter401) {
        // A token can die before its expiry (revoked, rotated elsewhere): refresh once and retry.
        refreshedAfter401 = true;
        rejectedToken = token;
        attempt -= 1;
        continue;
      }
      const error = response ? toError(response) : toNetworkError(failure);
      const ambiguous = error instanceof KeapServerError || error instanceof KeapNetworkError;
      if (
        !error.retryable ||
        (ambiguous && request.retryAmbiguous === false) ||
        error instanceof KeapQuotaExhaustedError ||
        attempt >= this.retry.maxAttempts
      )
        throw error;
      await this.sleep(this.backoffMs(attempt, response));
    }
  }

  /** Attempts in all for one request (the first included). */
  get maxAttempts(): number {
    return this.retry.maxAttempts;
  }

  /** The pause before attempt `attempt + 1`, for callers that retry themselves. */
  pauseBeforeRetry(attempt: number): Promise<void> {
    return this.sleep(this.backoffMs(attempt, undefined));
  }

  /**
   * A gate that cannot take the answer (Redis down, closed on shutdown) must never turn what Keap
   * did into a failure: a write that Keap committed would be retried, and written twice.
   */
  private async answerGate(
    grant: KeapGrant,
    status: number,
    response: AxiosResponse | undefined,
  ): Promise<void> {
    try {
      await this.options.gate?.observe(
        grant,
        status,
        response ? lowerCaseHeaders(response.headers) : {},
      );
    } catch (err) {
      const ctx: KeapCallContext = {
        accountId: grant.accountId,
        priority: grant.priority,
        kind: grant.kind,
      };
      if (this.options.onGateError) this.options.onGateError(err, ctx);
      else
        console.warn(
          `Keap request gate did not take the answer of ${ctx.kind} (account ${ctx.accountId}): ${err instanceof Error ? err.message : String(err)}`,
        );
    }
  }

  private backoffMs(attempt: number, response: AxiosResponse | undefined): number {
    const exponential = Math.min(
      this.retry.maxDelayMs,
      this.retry.baseDelayMs * 2 ** (attempt - 1),
    );
    const retryAfter = response ? retryAfterMs(lowerCaseHeaders(response.headers)) : null;
    // Full jitter keeps many workers from retrying in step; Retry-After is a floor, capped by our bound.
    const jittered = Math.round(exponential / 2 + Math.random() * (exponential / 2));
    return Math.min(this.retry.maxDelayMs, Math.max(jittered, retryAfter ?? 0));
  }
}

export function lowerCaseHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const source = headers && typeof headers === 'object' ? (headers as Record<string, unknown>) : {};
  const entries =
    typeof (source as { toJSON?: unknown }).toJSON === 'function'
      ? Object.entries((source as { toJSON: () => Record<string, unknown> }).toJSON())
      : Object.entries(source);
  for (const [k, v] of entries)
    if (v !== undefined && v !== null)
      out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

function retryAfterMs(headers: Record<string, string>): number | null {
  const value = headers['retry-after'];
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function messageOf(data: unknown, status: number): string {
  if (data && typeof data === 'object') {
    const body = data as { message?: unknown; fault?: { faultstring?: unknown } };
    if (typeof body.message === 'string') return body.message;
    if (typeof body.fault?.faultstring === 'string') return body.fault.faultstring;
  }
  return `Keap answered ${status}`;
}

function toError(response: AxiosResponse): KeapError {
  const status = response.status;
  const message = messageOf(response.data, status);
  const headers = lowerCaseHeaders(response.headers);
  if (status === 429) {
    // The app's daily quota is gone when its bucket shows nothing left; a minute or spike throttle
    // empties itself within seconds and is worth waiting for. Keap documents no header for a
    // tenant's daily quota, so a 429 from it reads as a throttle.
    if (headers['x-keap-product-quota-available'] === '0') {
      const expiry = Number(headers['x-keap-product-quota-expiry-time']);
      return new KeapQuotaExhaustedError(
        `Keap daily API quota exhausted: ${message}`,
        Number.isFinite(expiry) ? new Date(expiry) : null,
      );
    }
    return new KeapRateLimitedError(
      `Keap throttled the call: ${message}`,
      retryAfterMs(headers) ?? 1000,
    );
  }
  if (status >= 500) return new KeapServerError(`Keap failed (${status}): ${message}`, status);
  if (status === 404) return new KeapNotFoundError(message, status);
  if (status === 401) return new KeapAuthError(`Keap refused access (401): ${message}`, status);
  if (status === 403) return new KeapForbiddenError(message);
  const details =
    response.data && typeof response.data === 'object'
      ? (response.data as { details?: unknown }).details
      : undefined;
  return new KeapValidationError(message, status, details);
}

function toNetworkError(err: unknown): KeapError {
  if (err instanceof KeapError) return err;
  if (isAxiosError(err))
    return new KeapNetworkError(`Keap unreachable: ${err.code ?? err.message}`);
  return new KeapNetworkError(
    `Keap unreachable: ${err instanceof Error ? err.message : String(err)}`,
  );
}
