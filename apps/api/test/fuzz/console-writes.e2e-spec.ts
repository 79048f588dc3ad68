import fc from 'fast-check';
import request from 'supertest';
import { buildOpenApiDocument } from '../../src/app/openapi';
import { aTool } from '../runtime/builders';
import { type ConsoleBrowser, startRuntime, type RuntimeHarness } from '../runtime/runtime-harness';
import { anyJson, errorLog, objectWith, RUNS, segment } from './support/arbitraries';

type Method = 'post' | 'put' | 'patch' | 'delete';
const RUNS_PER_ROUTE = 1000;

/**
 * Every write route of the console API (POST, PUT, PATCH, DELETE in its OpenAPI document), fed
 * generated bodies and path ids by a signed-in browser: each is answered below 500, and the app
 * still answers /health afterwards. The routes come from the document, so a new one fails here
 * until it is fuzzed too.
 */
describe('fuzz: the console API’s writes never answer 5xx', () => {
  let h: RuntimeHarness;
  let browser: ConsoleBrowser;
  let accountId: string;
  let toolId: string;
  let versionId: string;
  let routes: { method: Method; path: string; keys: string[] }[];
  const errors = errorLog();

  beforeAll(async () => {
    h = await startRuntime({ RUN_WORKER_IN_API: 'false' });
    ({ accountId } = await h.connectedAccount());
    ({ toolId } = await h.publishedTool(accountId, {}));
    [{ id: versionId }] = await h.ds.query('SELECT id FROM tool_versions WHERE tool_id = $1', [
      toolId,
    ]);
    browser = await h.signedIn(accountId);
    const doc = buildOpenApiDocument(h.t.app);
    routes = Object.entries(doc.paths).flatMap(([path, item]) =>
      (['post', 'put', 'patch', 'delete'] as const).flatMap((method) => {
        const op = item[method];
        if (!op) return [];
        const body = op.requestBody as
          { content?: Record<string, { schema?: unknown }> } | undefined;
        const schema = body?.content?.['application/json']?.schema as
          { properties?: Record<string, unknown> } | undefined;
        return [{ method, path, keys: Object.keys(schema?.properties ?? {}) }];
      }),
    );
  });
  afterAll(() => h?.close());

  /** A valid tool definition with one value anywhere in it replaced by any JSON. */
  const aMutatedDefinition = fc
    .tuple(fc.constantFrom(...leafPaths(aTool() as unknown)), anyJson)
    .map(([path, value]) => setAt(structuredClone(aTool()) as unknown, path, value));

  /** Bodies for a route: any JSON, an object with its fields, or a near-valid definition in them. */
  const bodies = (keys: string[]) =>
    fc.oneof(
      anyJson,
      objectWith(keys),
      fc.record({
        definition: aMutatedDefinition,
        draft: aMutatedDefinition,
        draftRevision: anyJson,
      }),
    );

  const fuzz = (method: Method, path: string) =>
    it(`${method.toUpperCase()} ${path}`, async () => {
      const route = routes.find((r) => r.method === method && r.path === path);
      expect(route).toBeDefined();
      const ids = fc.record({
        id: segment(toolId),
        sid: segment('PN00000000000000000000000000000001'),
        versionId: segment(versionId),
      });
      await fc.assert(
        fc.asyncProperty(
          ids,
          bodies(route!.keys),
          async ({ id, sid, versionId: version }, body) => {
            const url = path
              .replace('{id}', id)
              .replace('{sid}', sid)
              .replace('{versionId}', version);
            // Logging out ends the session: each of its runs signs in afresh.
            const agent = path === '/api/session/logout' ? await h.signedIn(accountId) : browser;
            const res = await agent[method](url)
              .set('Content-Type', 'application/json')
              .send(JSON.stringify(body));
            if (res.status >= 500)
              throw new Error(
                `${res.status} for ${url} ${JSON.stringify(body)}; logged: ${errors.last()}`,
              );
          },
        ),
        RUNS(RUNS_PER_ROUTE),
      );
    });

  it('covers every write route the OpenAPI document lists', () => {
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      FUZZED.map((r) => r.join(' ')).sort(),
    );
  });

  const FUZZED: [Method, string][] = [
    ['post', '/api/session/logout'],
    ['put', '/api/twilio/connection'],
    ['delete', '/api/twilio/connection'],
    ['post', '/api/twilio/numbers'],
    ['post', '/api/twilio/numbers/{sid}/point-here'],
    ['post', '/api/twilio/messaging-services/{sid}/point-here'],
    ['post', '/api/keap/tags'],
    ['post', '/api/keap/fields'],
    ['post', '/api/tools'],
    ['post', '/api/tools/import'],
    ['put', '/api/tools/{id}'],
    ['post', '/api/tools/{id}/publish'],
    ['post', '/api/tools/{id}/versions/{versionId}/restore'],
    ['post', '/api/tools/{id}/draft/discard'],
    ['post', '/api/tools/{id}/enabled'],
    ['post', '/api/tools/{id}/url-secret/rotate'],
    ['post', '/api/tools/{id}/simulate'],
    ['post', '/api/conversations/{id}/end'],
    ['post', '/api/templates/{id}/use'],
    // Last: it deletes the tool the others write to.
    ['delete', '/api/tools/{id}'],
  ];
  for (const [method, path] of FUZZED) fuzz(method, path);

  it('still answers /health', () => request(h.t.app.getHttpServer()).get('/health').expect(200));
});

function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return [
      path,
      ...entries.flatMap(([k, v]) => leafPaths(v, [...path, Array.isArray(value) ? Number(k) : k])),
    ];
  }
  return [path];
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return root;
}
