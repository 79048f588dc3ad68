import fs from 'node:fs';
import path from 'node:path';
import { OpenAPIBackend } from 'openapi-backend';

/*
 * Checks requests and responses against Twilio's official OpenAPI files, loaded unchanged from
 * API_SPECS_DIR (default: <repo>/../shared/specs). Used by the sandbox's contract tests and by the
 * API's adapter tests (which validate every request the adapter sent). Test-only: it needs the
 * dev dependency openapi-backend.
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
}

export async function loadTwilioContract(specsDir: string): Promise<TwilioContract> {
  const backends = Object.fromEntries(
    await Promise.all(
      Object.entries(SPEC_FILES).map(async ([name, file]) => {
        const backend = new OpenAPIBackend({
          definition: path.join(specsDir, file),
          quick: true,
          validate: true,
          ajvOpts: { strict: false },
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

  return {
    operationOf: (r) => match(r)?.operationId,
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
        `${operation.operationId}: ${e.instancePath} ${e.message ?? ''}`.trim(),
      );
    },
    responseProblems(r, status, body) {
      const operation = match(r);
      if (!operation) return [`${r.method} ${r.path} is not an operation of Twilio's API`];
      const result = backendFor(r.path).validateResponse(body, operation, status);
      return (result.errors ?? []).map((e) =>
        `${operation.operationId} ${status}: ${e.instancePath} ${e.message ?? ''}`.trim(),
      );
    },
  };
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
