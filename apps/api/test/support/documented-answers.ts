import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import OpenAPIBackend, { type Document } from 'openapi-backend';
import { buildOpenApiDocument } from '../../src/app/openapi';
import { SessionStore } from '../../src/session/session.store';

export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  /** Lower-case names; Set-Cookie as one value per cookie. */
  headers: Record<string, string[]>;
  body: string;
  /** The account of the session the request carried, if any. */
  accountId: Promise<string | null>;
}

/**
 * Records every answer of an app's HTTP server (status, headers, body) before any handler runs,
 * so no agent, redirect or error path escapes the checks made on them.
 */
export function recordResponses(
  server: Server,
  sessions: SessionStore,
  into: RecordedResponse[],
): void {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(
        Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(
              String(chunk),
              typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
            ),
      );
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.write = ((...args: unknown[]) => {
      keep(args[0], args[1]);
      return write(...args);
    }) as typeof res.write;
    res.end = ((...args: unknown[]) => {
      keep(args[0], args[1]);
      return end(...args);
    }) as typeof res.end;
    const sessionId = /(?:^|;\s*)sms_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const accountId = sessionId
      ? sessions.find(decodeURIComponent(sessionId)).then((s) => s?.accountId ?? null)
      : Promise.resolve(null);
    res.on('finish', () => {
      const headers: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(res.getHeaders()))
        headers[name.toLowerCase()] = ([] as unknown[]).concat(value).map(String);
      into.push({
        method: req.method ?? '',
        url: req.url ?? '',
        status: res.statusCode,
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        accountId,
      });
    });
  });
}

/** Records the answers of a Nest app (call before it serves its first request). */
export function recordAppResponses(app: INestApplication, into: RecordedResponse[]): void {
  recordResponses(app.getHttpServer() as Server, app.get(SessionStore), into);
}

/**
 * OpenAPI 3.0 writes a nullable reference as `{ nullable: true, allOf: [{ $ref }] }`, which Ajv
 * refuses (nullable without type): for validating only, the same as "the reference, or null".
 * Likewise 3.0's boolean exclusive bounds.
 */
function forAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forAjv);
  if (!node || typeof node !== 'object') return node;
  const o = Object.fromEntries(
    Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, forAjv(v)]),
  );
  // 3.0's boolean exclusiveMinimum/Maximum beside minimum/maximum; Ajv wants the number itself.
  for (const [ex, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (o[ex] === true && typeof o[bound] === 'number') {
      o[ex] = o[bound];
      delete o[bound];
    } else if (o[ex] === false) delete o[ex];
  }
  if (o.nullable === true && o.type === undefined) {
    const { nullable: _n, description: _d, default: _def, ...rest } = o;
    return { anyOf: [rest, { enum: [null] }] };
  }
  return o;
}

/**
 * Fails naming each answer the app's OpenAPI document does not describe: a status it does not
 * list for the route, or a JSON body that does not match the schema it gives for that status.
 * `minChecked`: how many JSON answers must have been checked at least (something was checked).
 */
export async function expectAnswersDocumented(
  app: INestApplication,
  recorded: RecordedResponse[],
  minChecked = 1,
): Promise<void> {
  const document = forAjv(JSON.parse(JSON.stringify(buildOpenApiDocument(app))));
  const backend = new OpenAPIBackend({
    definition: document as unknown as Document,
    quick: true,
    validate: true,
    ajvOpts: { strict: false, allErrors: true },
    customizeAjv: (ajv) => {
      ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
      ajv.addFormat('date-time', (v: string) => !Number.isNaN(Date.parse(v)) && /T/.test(v));
      return ajv;
    },
  });
  await backend.init();
  const wrong: string[] = [];
  let checked = 0;
  for (const r of recorded) {
    const path = r.url.split('?')[0] ?? '';
    const operation = backend.matchOperation({
      method: r.method.toLowerCase(),
      path,
      headers: {},
    });
    // Twilio's and Keap's webhooks (/hooks/*) are not part of the console API.
    if (!operation) {
      if (path.startsWith('/api/') && !path.startsWith('/api/docs'))
        wrong.push(`${r.method} ${path}: not in the document`);
      continue;
    }
    const responses = operation.responses as Record<string, unknown>;
    if (!responses[String(r.status)]) {
      wrong.push(`${r.method} ${operation.path} answered ${r.status}, not documented`);
      continue;
    }
    if (!(r.headers['content-type']?.[0] ?? '').startsWith('application/json')) continue;
    const result = backend.validateResponse(JSON.parse(r.body), operation, r.status);
    checked++;
    if (!result.valid)
      wrong.push(
        `${r.method} ${operation.path} ${r.status}: ${JSON.stringify(result.errors?.slice(0, 3))}`,
      );
  }
  expect(checked).toBeGreaterThanOrEqual(minChecked);
  expect([...new Set(wrong)]).toEqual([]);
}
