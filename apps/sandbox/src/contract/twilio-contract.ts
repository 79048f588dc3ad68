import fs from 'node:fs';
import path from 'node:path';
import { OpenAPIBackend, type Document } from 'openapi-backend';
import {
  closeObjects,
  type OperationObject,
  relaxToExample,
  type SpecDefinition,
  tightenOperations,
} from './strict-schema';

/*
 * Checks requests and responses against Twilio's official OpenAPI files, loaded unchanged from
 * API_SPECS_DIR (default: <repo>/../shared/specs). Used by the sandbox's contract tests and by the
 * API's adapter tests (which validate every request the adapter sent). Test-only: it needs the
 * dev dependency openapi-backend.
 *
 * The files leave every object open, so they are tightened in memory after loading: Twilio always
 * writes every declared property of a resource (null when it has nothing), so each response object
 * requires all its properties and allows no others; Twilio's own example answers overrule that
 * where they differ (a property they leave out is optional, a null they show is accepted). Form
 * bodies and query strings allow only the parameters the operation declares.
 */

const SPEC_FILES = {
  api: 'twilio/twilio_api_v2010.json',
  messaging: 'twilio/twilio_messaging_v1.json',
  lookups: 'twilio/twilio_lookups_v2.json',
} as const;

/** Where the official specs are, or null when they are absent (as on a user's machine). */
export function twilioSpecsDir(): string | null {
  const dir =
    process.env.API_SPECS_DIR ??
    path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'specs');
  return Object.values(SPEC_FILES).every((f) => fs.existsSync(path.join(dir, f))) ? dir : null;
}

const RFC_2822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// Twilio writes 2010 page links as relative URIs under format "uri", so "uri" cannot be strict.
const DESCRIPTIVE_FORMATS = [
  'uri',
  'int32',
  'int64',
  'float',
  'http-method',
  'uri-map',
  'iso-country-code',
  'currency',
  'phone-number',
  'phone-number-capabilities',
  'endpoint',
  'twiml',
  'ice-server',
];

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

export interface TwilioContract {
  /** Problems with a request as the spec's operation describes it; empty when it conforms. */
  requestProblems(request: RecordedRequest): string[];
  /** Problems with a response body for that request and status; empty when it conforms. */
  responseProblems(
    request: Pick<RecordedRequest, 'method' | 'path'>,
    status: number,
    body: unknown,
  ): string[];
  /** The spec's operationId for a request (so tests can say which operations they covered). */
  operationOf(request: Pick<RecordedRequest, 'method' | 'path'>): string | undefined;
  /**
   * Problems with an error answer: Twilio's error shape `{code, message, more_info, status}`, as
   * the Lookup v2 spec declares it (the 2010 spec declares no error bodies), all four required.
   */
  errorProblems(status: number, body: unknown): string[];
  /** Twilio's own example answers for a request's operation, by status. */
  examplesOf(
    request: Pick<RecordedRequest, 'method' | 'path'>,
  ): { status: number; name: string; value: unknown }[];
}

export async function loadTwilioContract(specsDir: string): Promise<TwilioContract> {
  const backends = Object.fromEntries(
    await Promise.all(
      Object.entries(SPEC_FILES).map(async ([name, file]) => {
        const backend = new OpenAPIBackend({
          definition: path.join(specsDir, file),
          quick: true,
          validate: true,
          ajvOpts: { strict: false, allErrors: true },
          customizeAjv: (ajv) => {
            // Twilio's own formats: dates are checked; the rest are descriptive names.
            ajv.addFormat('date-time-rfc-2822', RFC_2822);
            ajv.addFormat('date-time', ISO_DATE_TIME);
            ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
            for (const format of DESCRIPTIVE_FORMATS) ajv.addFormat(format, true);
            return ajv;
          },
        });
        await backend.init();
        tighten(backend.definition as unknown as SpecDefinition);
        return [name, backend] as const;
      }),
    ),
  ) as Record<keyof typeof SPEC_FILES, OpenAPIBackend>;

  const backendFor = (p: string): OpenAPIBackend =>
    p.startsWith('/2010-04-01')
      ? backends.api
      : p.startsWith('/v1/')
        ? backends.messaging
        : backends.lookups;
  const match = (r: Pick<RecordedRequest, 'method' | 'path'>) =>
    backendFor(r.path).matchOperation({
      method: r.method.toLowerCase(),
      path: r.path,
      headers: {},
    });

  const errorSchema = twilioErrorSchema(backends.lookups.definition as unknown as SpecDefinition);
  const errorDefinition = {
    openapi: '3.0.1',
    info: { title: 'Twilio error answers', version: '1' },
    paths: {
      '/error': {
        get: {
          operationId: 'TwilioError',
          responses: {
            default: {
              description: 'error',
              content: { 'application/json': { schema: errorSchema } },
            },
          },
        },
      },
    },
  };
  const errorBackend = new OpenAPIBackend({
    definition: errorDefinition as unknown as Document,
    quick: true,
    ajvOpts: { strict: false },
  });
  await errorBackend.init();

  return {
    operationOf: (r) => match(r)?.operationId,
    errorProblems(status, body) {
      const result = errorBackend.validateResponse(body, 'TwilioError');
      const problems = (result.errors ?? []).map((e) =>
        `error ${status}: ${e.instancePath} ${e.message ?? ''}`.trim(),
      );
      const declared = (body as { status?: unknown } | null)?.status;
      if (declared !== status)
        problems.push(`error ${status}: body says status ${String(declared)}`);
      return problems;
    },
    examplesOf(r) {
      const responses = (match(r)?.responses ?? {}) as NonNullable<OperationObject['responses']>;
      return Object.entries(responses).flatMap(([status, response]) =>
        Object.entries(response.content?.['application/json']?.examples ?? {}).map(
          ([name, example]) => ({ status: Number(status), name, value: example.value }),
        ),
      );
    },
    requestProblems(r) {
      const operation = match(r);
      if (!operation) return [`${r.method} ${r.path} is not an operation of Twilio's API`];
      const result = backendFor(r.path).validateRequest(
        {
          method: r.method.toLowerCase(),
          path: r.path,
          query: r.query as Record<string, string | string[]>,
          body: r.method.toUpperCase() === 'GET' ? undefined : typedForm(operation, r.body),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
        operation,
      );
      return (result.errors ?? []).map((e) =>
        `${operation.operationId}: ${e.instancePath} ${e.message ?? ''} ${describeParams(e.params)}`.trim(),
      );
    },
    responseProblems(r, status, body) {
      const operation = match(r);
      if (!operation) return [`${r.method} ${r.path} is not an operation of Twilio's API`];
      const result = backendFor(r.path).validateResponse(body, operation, status);
      return (result.errors ?? []).map((e) =>
        `${operation.operationId} ${status}: ${e.instancePath} ${e.message ?? ''} ${describeParams(e.params)}`.trim(),
      );
    },
  };
}

/**
 * Tightens the dereferenced definition in memory: every response object requires all its
 * properties and allows no others, as far as Twilio's own examples agree; form bodies allow only
 * declared parameters.
 */
function tighten(definition: SpecDefinition): void {
  tightenOperations(definition, {
    response: (schema, media) => {
      closeObjects(schema, { requireAll: true });
      for (const example of Object.values(media.examples ?? {}))
        relaxToExample(schema, example.value);
    },
    requestBody: {
      contentType: 'application/x-www-form-urlencoded',
      tighten: (schema) => {
        (schema as Record<string, unknown>).additionalProperties = false;
      },
    },
  });
}

/** Twilio's error body as the Lookup v2 spec declares it, every property required. */
function twilioErrorSchema(lookups: SpecDefinition): unknown {
  for (const item of Object.values(lookups.paths ?? {}))
    for (const operation of Object.values(item)) {
      const schema = operation?.responses?.['400']?.content?.['application/json']?.schema;
      if (schema) {
        // Already tightened with the rest of the Lookup spec.
        return schema;
      }
    }
  throw new Error('the Lookup v2 spec declares no error answer');
}

function describeParams(params: unknown): string {
  if (!params || typeof params !== 'object') return '';
  const p = params as Record<string, unknown>;
  const name = p.additionalProperty ?? p.missingProperty;
  return typeof name === 'string' ? `(${name})` : '';
}

/**
 * A form body carries every value as text; Twilio reads `true`/`false` and digits by the spec's
 * declared property types, so the check does the same before validating.
 */
function typedForm(operation: { requestBody?: unknown }, body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const content = (
    operation.requestBody as
      | {
          content?: Record<string, { schema?: { properties?: Record<string, { type?: string }> } }>;
        }
      | undefined
  )?.content?.['application/x-www-form-urlencoded'];
  const properties = content?.schema?.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const type = properties[name]?.type;
    if (typeof value === 'string' && type === 'boolean' && (value === 'true' || value === 'false'))
      out[name] = value === 'true';
    else if (typeof value === 'string' && type === 'integer' && /^-?\d+$/.test(value))
      out[name] = Number(value);
    else out[name] = value;
  }
  return out;
}
