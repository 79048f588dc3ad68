import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The console's API types (openapi.gen.ts) are generated from the API's checked-in OpenAPI
 * document; the build reads the checked-in file, never the API. This fails when the two have
 * drifted: run `pnpm --filter @sms-seq/web api-types` after `pnpm --filter @sms-seq/api openapi`.
 */
describe('the generated API types', () => {
  const web = path.resolve(__dirname, '..', '..');
  const generate = (...extra: string[]) =>
    spawnSync(
      process.execPath,
      [
        path.join(web, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
        '../api/openapi.json',
        '--output',
        'src/api/openapi.gen.ts',
        ...extra,
      ],
      { cwd: web, encoding: 'utf8' },
    );

  it('are what apps/api/openapi.json generates (run `pnpm --filter @sms-seq/web api-types`)', () => {
    const check = generate('--check');
    expect({ status: check.status, output: `${check.stdout}${check.stderr}`.trim() }).toEqual({
      status: 0,
      output: expect.not.stringMatching(/not up-to-date/),
    });
  });
});
