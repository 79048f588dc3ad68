/** An answer the Keap stand-in gives instead of a result: status code and Keap's body for it. */
export class KeapApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.message === 'string' ? body.message : `Keap answered ${status}`);
    this.name = 'KeapApiError';
  }

  /** The v2 `Error` schema of the spec: code, message, status, details. */
  static of(
    code: number,
    status: string,
    message: string,
    details?: { domain: string; resource: string }[],
  ): KeapApiError {
    return new KeapApiError(code, { code, message, status, ...(details ? { details } : {}) });
  }

  static badRequest(message: string): KeapApiError {
    return KeapApiError.of(400, 'INVALID_ARGUMENT', message);
  }

  static notFound(resource: string, id: string): KeapApiError {
    return KeapApiError.of(404, 'NOT_FOUND', `${resource} not found: ${id}`, [
      { domain: resource, resource: id },
    ]);
  }

  /**
   * Keap's API gateway (Apigee) answers auth and rate-limit failures with a `fault` object rather
   * than the v2 Error shape; clients must cope with both.
   */
  static fault(
    status: number,
    faultstring: string,
    errorcode: string,
    headers: Record<string, string> = {},
  ): KeapApiError {
    return new KeapApiError(status, { fault: { faultstring, detail: { errorcode } } }, headers);
  }
}

/** OAuth token endpoint errors (RFC 6749 section 5.2). */
export class KeapOAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'KeapOAuthError';
  }
}
