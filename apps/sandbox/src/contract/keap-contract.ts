import fs from 'node:fs';
import path from 'node:path';
import { OpenAPIBackend } from 'openapi-backend';
import { closeObjects, type SpecDefinition, tightenOperations } from './strict-schema';

/*
 * Checks requests and responses against Keap's official REST v2 spec, loaded unchanged from
 * API_SPECS_DIR (default: <repo>/../shared/specs). Used by the sandbox's contract tests and by
 * the Keap client's tests (packages/crm-keap), which validate every request the client sends.
 * Test-only: it needs the dev dependency openapi-backend.
 *
 * The file leaves every object open, so it is tightened in memory after loading:
 * - response objects allow only the properties the spec declares (`additionalProperties: false`),
 *   and so do JSON request bodies;
 * - every response object that declares an `id` must carry it. Keap addresses everything it
 *   returns by id (the spec's paths take contact_id, tag_id, note_id, and its CategoryReference
 *   already requires id), and the product reads the id of every contact, tag, note and user it
 *   gets back (asking for `id` in `fields` wherever it passes `fields`). Other properties stay
 *   optional: `fields` chooses which ones Keap writes.
 */

const SPEC_FILE = path.join('keap', 'keap-rest-v2.openapi.yml');

/** Where the official Keap spec is expected (it may be absent, as on a user's machine). */
export function keapSpecPath(): string {
  const dir =
    process.env.API_SPECS_DIR ??
    path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'specs');
  return path.join(dir, SPEC_FILE);
}

/** The spec's path, or null when it is absent. */
export function keapSpecIfPresent(): string | null {
  const file = keapSpecPath();
  return fs.existsSync(file) ? file : null;
}

export interface KeapRequestToCheck {
  method: string;
  /** Path including the server's `/crm`, e.g. `/crm/rest/v2/contacts`. */
  path: string;
  /** Query string (without `?`) or an object of values. */
  query?: string | Record<string, string | string[]>;
  body?: unknown;
}

export interface KeapContract {
  readonly api: OpenAPIBackend;
  operationOf(request: Pick<KeapRequestToCheck, 'method' | 'path'>): string | undefined;
  /** Problems with a request as the spec's operation describes it; empty when it conforms. */
  requestProblems(request: KeapRequestToCheck): string[];
  /** Problems with a response body for that request and status; empty when it conforms. */
  responseProblems(
    request: Pick<KeapRequestToCheck, 'method' | 'path'>,
    status: number,
    body: unknown,
  ): string[];
}

export async function loadKeapContract(specPath = keapSpecPath()): Promise<KeapContract> {
  const api = new OpenAPIBackend({
    definition: specPath,
    quick: true,
    apiRoot: '/crm',
    ajvOpts: { strict: false, validateFormats: false, allErrors: true },
  });
  await api.init();
  tighten(api.definition as unknown as SpecDefinition);

  const match = (r: Pick<KeapRequestToCheck, 'method' | 'path'>) =>
    api.matchOperation({ method: r.method.toLowerCase(), path: r.path, headers: {} });
  const describe = (prefix: string, errors: unknown[] | null | undefined): string[] =>
    (errors ?? []).map((e) => {
      const error = e as { instancePath?: string; message?: string; params?: unknown };
      return `${prefix}: ${error.instancePath ?? ''} ${error.message ?? ''} ${describeParams(error.params)}`.trim();
    });

  return {
    api,
    operationOf: (r) => match(r)?.operationId,
    requestProblems(r) {
      const operation = match(r);
      if (!operation) return [`${r.method} ${r.path} is not an operation of the Keap spec`];
      const result = api.validateRequest(
        {
          method: r.method.toLowerCase(),
          path: r.path,
          query: r.query ?? {},
          headers: { 'content-type': 'application/json' },
          body: r.body,
        },
        operation,
      );
      return describe(operation.operationId ?? r.path, result.errors);
    },
    responseProblems(r, status, body) {
      const operation = match(r);
      if (!operation) return [`${r.method} ${r.path} is not an operation of the Keap spec`];
      const result = api.validateResponse(body, operation, status);
      return describe(`${operation.operationId ?? r.path} ${status}`, result.errors);
    },
  };
}

/** Response objects and JSON request bodies closed; every returned object's `id` required. */
function tighten(definition: SpecDefinition): void {
  tightenOperations(definition, {
    response: (schema) => {
      closeObjects(schema, { requireAll: false });
      requireIds(schema);
    },
    requestBody: {
      contentType: 'application/json',
      tighten: (schema) => closeObjects(schema, { requireAll: false }),
    },
  });
}

/** Every object schema that declares an `id` requires it. */
function requireIds(schema: unknown, seen = new Set<unknown>()): void {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  const s = schema as Record<string, unknown>;
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  if ('id' in properties) {
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    if (!required.includes('id')) s.required = [...required, 'id'];
  }
  for (const child of Object.values(properties)) requireIds(child, seen);
  requireIds(s.items, seen);
  for (const key of ['oneOf', 'anyOf', 'allOf'])
    if (Array.isArray(s[key])) for (const branch of s[key] as unknown[]) requireIds(branch, seen);
}

function describeParams(params: unknown): string {
  if (!params || typeof params !== 'object') return '';
  const p = params as Record<string, unknown>;
  const name = p.additionalProperty ?? p.missingProperty;
  return typeof name === 'string' ? `(${name})` : '';
}
