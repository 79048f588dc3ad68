import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import OpenAPIBackend from 'openapi-backend';
import type { AxiosInstance } from 'axios';

/** The official Keap REST v2 spec, read unchanged from ../shared/specs (or API_SPECS_DIR). */
export const KEAP_SPEC_PATH = join(
  process.env.API_SPECS_DIR ?? resolve(__dirname, '../../../../../shared/specs'),
  'keap',
  'keap-rest-v2.openapi.yml',
);
export const haveKeapSpec = existsSync(KEAP_SPEC_PATH);

export interface RecordedRequest {
  operationId: string | null;
  method: string;
  path: string;
  errors: unknown[];
}

/**
 * Checks every request an axios instance sends to the Keap REST API against the operation of the
 * spec it targets: method and path must be an operation, and its query and body must validate.
 */
export class KeapSpecValidator {
  readonly requests: RecordedRequest[] = [];
  private constructor(private readonly api: OpenAPIBackend) {}

  static async load(): Promise<KeapSpecValidator> {
    const api = new OpenAPIBackend({
      definition: KEAP_SPEC_PATH,
      quick: true,
      apiRoot: '/crm',
      ajvOpts: { strict: false, validateFormats: false },
    });
    await api.init();
    return new KeapSpecValidator(api);
  }

  watch(http: AxiosInstance): void {
    http.interceptors.request.use((config) => {
      const url = new URL(http.getUri(config));
      if (!url.pathname.startsWith('/crm/rest/')) return config;
      const method = (config.method ?? 'get').toLowerCase();
      const request = {
        method,
        path: url.pathname,
        query: url.search.replace(/^\?/, ''),
        headers: { 'content-type': 'application/json' },
        body: config.data,
      };
      const operation = this.api.matchOperation(request);
      const errors = operation
        ? (this.api.validateRequest(request, operation).errors ?? [])
        : ['no such operation in the Keap spec'];
      this.requests.push({
        operationId: operation?.operationId ?? null,
        method,
        path: url.pathname,
        errors,
      });
      return config;
    });
    // The answers too (the sandbox's contract tests cover them in depth); 429 is not in the spec.
    http.interceptors.response.use((response) => {
      const url = new URL(http.getUri(response.config));
      const method = (response.config.method ?? 'get').toLowerCase();
      const operation = url.pathname.startsWith('/crm/rest/')
        ? this.api.matchOperation({ method, path: url.pathname, headers: {} })
        : undefined;
      if (operation && response.status !== 429) {
        const errors =
          this.api.validateResponse(response.data, operation, response.status).errors ?? [];
        if (errors.length > 0)
          this.requests.push({
            operationId: operation.operationId ?? null,
            method,
            path: `${url.pathname} (response ${response.status})`,
            errors,
          });
      }
      return response;
    });
  }

  /** Requests that did not validate (empty when all did). */
  failures(): RecordedRequest[] {
    return this.requests.filter((r) => r.errors.length > 0);
  }
}
