import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../../src/openapi/openapi';
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
    ).toEqual(ref('ToolDefinition'));
    expect(schemas.ToolDetail.properties.draft).toEqual(ref('ToolDefinition'));
  });
});
