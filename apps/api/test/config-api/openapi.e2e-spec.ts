import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { buildOpenApiDocument } from '../../src/app/openapi';
import { startTestApp, type TestApp } from '../support/test-app';

// The document is plain JSON read by path; one loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('OpenAPI document', () => {
  let t: TestApp;
  let generated: Json;
  beforeAll(async () => {
    t = await startTestApp({ RUN_WORKER_IN_API: 'false', KEAP_REFRESH_INTERVAL_SECONDS: '0' });
    generated = JSON.parse(JSON.stringify(buildOpenApiDocument(t.app)));
  });
  afterAll(() => t.close());

  it('the checked-in apps/api/openapi.json is what the app generates (run `pnpm openapi` after an API change)', () => {
    const checkedIn = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8'));
    expect(checkedIn).toEqual(generated);
  });

  it("carries the engine's tool definition schema and the tools endpoints refer to it", () => {
    const schemas = generated.components.schemas;
    expect(schemas.ToolDefinition).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['name', 'steps', 'sender']),
    });
    expect(schemas.ToolDefinition.properties.startMode.enum).toEqual([
      'keyword_or_http',
      'http_only',
    ]);
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const paths = generated.paths;
    expect(
      paths['/api/tools/{id}'].put.requestBody.content['application/json'].schema.properties.draft,
    ).toEqual(ref('ToolDefinitionInput'));
    expect(
      paths['/api/tools/{id}'].get.responses['200'].content['application/json'].schema,
    ).toEqual(ref('ToolDetail'));
    expect(
      paths['/api/tools/import'].post.requestBody.content['application/json'].schema.properties
        .definition,
    ).toEqual(ref('ToolDefinitionInput'));
    expect(
      paths['/api/tools/{id}/export'].get.responses['200'].content['application/json'].schema,
    ).toEqual(ref('ToolFile'));
    // The file is the definition as it is, plus the names another Keap app maps by.
    expect(schemas.ToolFile.properties).toEqual({
      ...schemas.ToolDefinition.properties,
      keap: expect.objectContaining({ type: 'object' }),
    });
    expect(schemas.ToolDetail.properties.draft).toEqual(ref('ToolDefinition'));
  });

  const operations = (): [string, string, Json][] =>
    Object.entries(generated.paths as Record<string, Record<string, Json>>).flatMap(
      ([path, item]) =>
        Object.entries(item).map(([method, op]): [string, string, Json] => [method, path, op]),
    );

  it('serves the docs page at /api/docs and the document at /api/docs-json, with the conversation filters', async () => {
    const page = await request(t.app.getHttpServer()).get('/api/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('swagger');
    const json = await request(t.app.getHttpServer()).get('/api/docs-json').expect(200);
    const list = json.body.paths['/api/conversations'].get;
    expect(list.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(
      ['toolId', 'status', 'phone', 'q', 'from', 'to', 'cursor', 'limit'].map((n) => `query:${n}`),
    );
    expect(list.parameters.find((p: { name: string }) => p.name === 'status').schema.enum).toEqual([
      'awaiting_reply',
      'awaiting_contact',
      'finished',
      'expired',
      'opted_out',
      'invalid_number',
      'ended',
    ]);
    expect(
      json.body.paths['/api/twilio/available-numbers'].get.parameters.map((p: Json) => p.name),
    ).toEqual(['country', 'areaCode', 'type']);
  });

  it('documents an answer schema for every success that has a body, and the error answers of every route', () => {
    const missing: string[] = [];
    for (const [method, path, op] of operations()) {
      const codes = Object.keys(op.responses);
      const ok = codes.filter((c) => /^2/.test(c));
      for (const code of ok.filter((c) => c !== '204')) {
        if (path === '/health') continue;
        if (!op.responses[code].content?.['application/json']?.schema)
          missing.push(`${method} ${path} ${code}: no schema`);
      }
      if (op.security?.length) {
        if (!codes.includes('401')) missing.push(`${method} ${path}: no 401`);
        if (method !== 'get' && !codes.includes('403')) missing.push(`${method} ${path}: no 403`);
      }
      if (path.includes('{id}') && !codes.includes('404'))
        missing.push(`${method} ${path}: no 404`);
      if (
        (op.requestBody || op.parameters?.some((p: Json) => p.in === 'query')) &&
        !codes.includes('400') &&
        path !== '/api/keap/callback'
      )
        missing.push(`${method} ${path}: takes input, no 400`);
      for (const code of codes.filter((c) => /^[45]/.test(c)))
        if (
          op.responses[code].content?.['application/json']?.schema?.$ref !==
          '#/components/schemas/ErrorBody'
        )
          missing.push(`${method} ${path} ${code}: not the error shape`);
    }
    expect(missing).toEqual([]);
    // Connect takes no input: only the redirect, and 429 past the per-client limit.
    expect(Object.keys(generated.paths['/api/keap/connect'].get.responses)).toEqual(['302', '429']);
  });

  it('documents the request bodies from the zod schemas the API parses them with', () => {
    const body = (path: string, method = 'post') =>
      generated.paths[path][method].requestBody.content['application/json'].schema;
    expect(body('/api/keap/tags')).toMatchObject({ required: ['name'] });
    expect(body('/api/twilio/numbers')).toMatchObject({ required: ['phoneNumber'] });
    expect(body('/api/tools/{id}/simulate')).toMatchObject({
      required: ['start'],
      properties: { versionId: expect.any(Object), replies: expect.any(Object) },
    });
    expect(body('/api/twilio/connection', 'put').required).toEqual(['accountSid', 'authToken']);
  });

  it('every $ref points at a component that exists', () => {
    const refs = JSON.stringify(generated).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    const names = new Set(Object.keys(generated.components.schemas));
    const dangling = [...new Set(refs)].filter(
      (r) => !names.has(r.slice('"#/components/schemas/'.length, -1)),
    );
    expect(refs.length).toBeGreaterThan(50);
    expect(dangling).toEqual([]);
  });
});
