/**
 * The one way the console talks to the API. It sends the CSRF header on state-changing requests
 * (double-submit: the header must equal the readable `sms_csrf` cookie) and turns the API's
 * `{ error: { message } }` answers into `ApiError`s whose message a person can act on.
 */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API could not be reached at all (server down, network gone). */
export class ApiUnreachableError extends Error {
  constructor() {
    super('The server could not be reached. Check your connection and try again.');
    this.name = 'ApiUnreachableError';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return null;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Let the request outlive the page (a save while the tab closes), when the body fits. */
  keepalive?: boolean;
}

/** Browsers refuse keepalive requests whose bodies add up to more than 64 KiB. */
const KEEPALIVE_LIMIT_BYTES = 60 * 1024;

/** Whether a JSON body is small enough to be sent with keepalive. */
export function fitsKeepalive(json: string): boolean {
  return new TextEncoder().encode(json).length <= KEEPALIVE_LIMIT_BYTES;
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE_METHODS.has(method)) {
    const csrf = readCookie('sms_csrf');
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body,
      signal: options.signal,
      keepalive: options.keepalive === true && (body === undefined || fitsKeepalive(body)),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiUnreachableError();
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const payload: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) throw toApiError(response.status, payload);
  return payload as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toApiError(status: number, payload: unknown): ApiError {
  const error =
    typeof payload === 'object' && payload !== null && 'error' in payload
      ? (payload as { error: unknown }).error
      : null;
  if (typeof error === 'object' && error !== null) {
    const { message, code, details } = error as {
      message?: unknown;
      code?: unknown;
      details?: unknown;
    };
    return new ApiError(
      typeof message === 'string' && message ? message : fallbackMessage(status),
      status,
      typeof code === 'string' ? code : 'error',
      details,
    );
  }
  return new ApiError(fallbackMessage(status), status, 'error', undefined);
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'You are signed out. Sign in with Keap again.';
  if (status === 403) return 'This request was refused. Reload the page and try again.';
  if (status === 404) return 'This item no longer exists.';
  if (status >= 500) return 'The server ran into a problem. Try again in a moment.';
  return `The request failed (error ${status}). Reload the page and try again.`;
}

/** A sentence for any error thrown by a query or mutation. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong. Try again.';
}
