import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import base, { SPECS } from '../../eslint.config.mjs';

/**
 * The folders of src/ and the folders each may import: the allowed directions that
 * docs/architecture.md draws. A folder may always import its own files. A change that needs an
 * import not listed here is a design question (see the doc), not a line to add here.
 */
const PLATFORM = [
  'config',
  'crypto',
  'database',
  'errors',
  'logging',
  'metrics',
  'openapi',
  'ports',
  'rate-limit',
  'redis',
];
const MAY_IMPORT = {
  config: [],
  crypto: [],
  errors: [],
  ports: [],
  // crypto: a data migration seals secrets stored in clear with the app's SecretBox.
  database: ['config', 'crypto'],
  logging: ['config'],
  redis: ['config'],
  openapi: ['errors'],
  metrics: ['config', 'redis'],
  'rate-limit': ['config', 'errors', 'redis'],
  accounts: ['config', 'crypto', 'database', 'errors', 'redis'],
  session: ['accounts', 'config', 'errors', 'openapi', 'redis'],
  // The integrations: adapters to Keap and Twilio and their console endpoints. Never the runtime.
  keap: [...PLATFORM, 'accounts', 'session'],
  twilio: [...PLATFORM, 'accounts', 'session'],
  tools: [...PLATFORM, 'accounts', 'session', 'keap', 'twilio'],
  // Ready sequences: a template becomes a draft tool, its tags found or made in Keap.
  templates: [...PLATFORM, 'accounts', 'session', 'keap', 'tools'],
  // The runtime, from what it stores to what it does.
  outbox: ['config', 'database', 'errors', 'metrics'],
  messages: ['config', 'database', 'errors', 'ports'],
  // Campaign starts that started nothing: refused by the tool URL or by the worker.
  'refused-starts': ['config', 'database', 'errors'],
  conversations: [
    ...PLATFORM,
    ...['accounts', 'keap', 'tools', 'outbox', 'messages', 'refused-starts'],
  ],
  // What comes in is parsed, verified and stored: it never reaches the worker's code.
  inbound: [...PLATFORM, 'accounts', 'twilio', 'tools', 'outbox', 'messages', 'refused-starts'],
  sending: [...PLATFORM, 'accounts', 'twilio', 'outbox', 'messages', 'conversations'],
  'crm-effects': [...PLATFORM, 'accounts', 'keap', 'outbox', 'messages', 'conversations'],
  // What the console reads of the runtime.
  'conversation-history': [
    ...PLATFORM,
    ...['accounts', 'session', 'tools', 'messages', 'conversations', 'refused-starts'],
  ],
  analytics: [...PLATFORM, 'accounts', 'session', 'keap', 'tools', 'messages', 'conversations'],
  // Twilio for the names of the messaging services numbers opted out of.
  'opt-outs': [...PLATFORM, 'accounts', 'session', 'twilio', 'conversations'],
  demo: [...PLATFORM, 'accounts', 'session', 'keap', 'twilio', 'tools'],
};
const FOLDERS = [...Object.keys(MAY_IMPORT), 'app'];

// The directions must stay a one-way graph: a cycle here would let two folders import each other.
(function assertAcyclic() {
  const state = new Map();
  const visit = (folder, path) => {
    if (state.get(folder) === 'done') return;
    if (state.get(folder) === 'open')
      throw new Error(`apps/api lint boundaries form a cycle: ${[...path, folder].join(' -> ')}`);
    state.set(folder, 'open');
    for (const next of MAY_IMPORT[folder] ?? []) visit(next, [...path, folder]);
    state.set(folder, 'done');
  };
  for (const folder of Object.keys(MAY_IMPORT)) visit(folder, []);
})();

const zones = Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
  target: `./src/${folder}`,
  from: FOLDERS.filter((other) => other !== folder && !allowed.includes(other)).map(
    (other) => `./src/${other}`,
  ),
  message: `src/${folder} may import only ${allowed.length ? allowed.join(', ') : 'no other folder'} (docs/architecture.md).`,
}));

/** Database access lives in repositories (and migrations): services hold no SQL. */
const DATA_METHODS =
  'save|insert|update|delete|find|findOne|findOneBy|findOneOrFail|findOneByOrFail|findBy|findAndCount|count|countBy|exists|existsBy|upsert|increment|decrement|remove|softDelete';
const NO_SQL = [
  {
    selector: 'CallExpression[callee.property.name=/^(query|createQueryBuilder|getRepository)$/]',
    message: 'Database access belongs in a repository (*.repository.ts).',
  },
  {
    selector: `CallExpression[callee.object.name=/^(m|manager|em|tx)$/][callee.property.name=/^(${DATA_METHODS})$/]`,
    message: 'Pass the transaction to a repository method instead of querying here.',
  },
  {
    selector:
      'Decorator[expression.callee.name=/^(InjectRepository|InjectDataSource|InjectEntityManager)$/]',
    message: 'Inject a repository (*.repository.ts), not TypeORM.',
  },
];

export default [
  ...base,
  {
    files: ['src/**/*.ts'],
    ignores: SPECS,
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: [...SPECS, 'src/**/*.repository.ts', 'src/database/**'],
    rules: { 'no-restricted-syntax': ['error', ...NO_SQL] },
  },
];
