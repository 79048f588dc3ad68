import type { AxiosInstance } from 'axios';
import {
  keapSpecIfPresent,
  keapSpecPath,
  loadKeapContract,
  type KeapContract,
} from '@sms-seq/sandbox/contract';

/**
 * The official Keap REST v2 spec, read unchanged from ../shared/specs (or API_SPECS_DIR) and
 * tightened in memory by the sandbox's contract checker (no undeclared properties; ids required).
 */
export const KEAP_SPEC_PATH = keapSpecPath();
export const haveKeapSpec = keapSpecIfPresent() !== null;

export interface RecordedRequest {
  operationId: string | null;
  method: string;
  path: string;
  errors: unknown[];
}

/**
 * Checks every request an axios instance sends to the Keap REST API against the operation of the
 * spec it targets: method and path must be an operation, its query and body must validate (no
 * parameter or property the spec does not declare). The v2 answers are checked too; the API
 * gateway's own answers (429, and `fault` bodies such as its 401) are not in the spec.
 */
export class KeapSpecValidator {
  readonly requests: RecordedRequest[] = [];
  private constructor(private readonly contract: KeapContract) {}

  static async load(): Promise<KeapSpecValidator> {
    return new KeapSpecValidator(await loadKeapContract(KEAP_SPEC_PATH));
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
        body: config.data,
      };
      this.requests.push({
        operationId: this.contract.operationOf(request) ?? null,
        method,
        path: url.pathname,
        errors: this.contract.requestProblems(request),
      });
      return config;
    });
    http.interceptors.response.use((response) => {
      const url = new URL(http.getUri(response.config));
      const method = (response.config.method ?? 'get').toLowerCase();
      const request = { method, path: url.pathname };
      const fromGateway =
        response.status === 429 ||
        (typeof response.data === 'object' && response.data !== null && 'fault' in response.data);
      // A request to no operation was flagged already; its answer has nothing to be checked against.
      if (
        url.pathname.startsWith('/crm/rest/') &&
        !fromGateway &&
        this.contract.operationOf(request)
      ) {
        const errors = this.contract.responseProblems(request, response.status, response.data);
        if (errors.length > 0)
          this.requests.push({
            operationId: this.contract.operationOf(request) ?? null,
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
