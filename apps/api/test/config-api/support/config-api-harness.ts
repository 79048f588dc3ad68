import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createSandbox, SANDBOX_KEAP_CLIENT, type Sandbox } from '@sms-seq/sandbox';
import { Logger, PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SecretBox, sealedFor } from '../../../src/crypto/secret-box';
import { openUrlSecret } from '../../../src/tools/tool-url';
import type TestAgent from 'supertest/lib/agent';
import { AppModule } from '../../../src/app/app.module';
import { type AppConfig, loadConfig } from '../../../src/config/config';
import { configureApp } from '../../../src/app/configure-app';
import {
  expectAnswersDocumented,
  type RecordedResponse,
  recordAppResponses,
} from '../../support/documented-answers';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

export type { RecordedResponse };

export interface ConfigApi {
  app: INestApplication;
  config: AppConfig;
  db: TestDatabase;
  sandbox: Sandbox;
  sandboxUrl: string;
  /** Every line the app logged (pino JSON), for "no secret in any log line". */
  logLines(): string;
  /** Every answer the app gave (any agent, any instance), for "no secret in any response". */
  responses(): RecordedResponse[];
  /** Every secret the app holds right now (Keap tokens, Twilio auth tokens, tool URL secrets), opened. */
  storedSecrets(): Promise<string[]>;
  /**
   * Fails naming each secret found where it must not be: Keap's client secret, the secrets key,
   * every Keap token and OAuth code the sandbox issued, every Twilio auth token and API secret,
   * OAuth states, session ids and CSRF tokens, tool URL secrets. Exceptions, by design: the state
   * in the redirect to Keap's consent page that issued it, a session id and a CSRF token in the
   * Set-Cookie that issued them, a tool URL secret in answers to its own account. Log lines: none.
   */
  expectNoSecretsLeaked(): Promise<void>;
  /**
   * Fails naming each answer the OpenAPI document does not describe: a status it does not list
   * for the route, or a JSON body that does not match the schema it gives for that status.
   */
  expectAnswersDocumented(): Promise<void>;
  /** A browser signed in to the given sandbox Keap tenant through the real OAuth flow. */
  signIn(tenantId: string): Promise<Browser>;
  anonymous(): TestAgent;
  /** One more app process on the same database, secrets key and Redis prefix (logs and answers recorded too). */
  anotherInstance(env?: Record<string, string>): Promise<INestApplication>;
  close(): Promise<void>;
}

export interface Browser {
  agent: TestAgent;
  csrf: string;
  accountId: string;
}

/** The values of one cookie set by an answer. */
function cookiesSet(r: RecordedResponse, name: string): string[] {
  return (r.headers['set-cookie'] ?? []).flatMap((c) => {
    const value = new RegExp(`^${name}=([^;]*)`).exec(c)?.[1];
    return value ? [decodeURIComponent(value)] : [];
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * The real app on its own database and Redis key prefix, with the Keap and Twilio sandbox served
 * in-process on a random port. Log lines are captured at the root pino logger.
 */
export async function startConfigApi(env: Record<string, string> = {}): Promise<ConfigApi> {
  const captured: string[] = [];
  const recorded: RecordedResponse[] = [];
  const sandboxServer = createServer();
  const sandboxPort = await listen(sandboxServer);
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandbox = createSandbox({ publicUrl: sandboxUrl });
  sandboxServer.on('request', sandbox.app);

  // Every token and code the Keap sandbox hands out is a secret the app must never show.
  const issued: string[] = [];
  const exchange = sandbox.keap.exchangeToken.bind(sandbox.keap);
  sandbox.keap.exchangeToken = (...args) => {
    const tokens = exchange(...args);
    issued.push(tokens.access_token, tokens.refresh_token);
    return tokens;
  };
  const issueCode = sandbox.keap.issueAuthorizationCode.bind(sandbox.keap);
  sandbox.keap.issueAuthorizationCode = (...args) => {
    const code = issueCode(...args);
    issued.push(code);
    return code;
  };

  // Each app's root pino logger is created when its middleware is configured (in `init`): point
  // it at the capture the moment it exists, so even start-up lines are checked.
  const capture = { write: (line: string) => void captured.push(line) };
  let root: unknown = (PinoLogger as unknown as { root?: unknown }).root;
  Object.defineProperty(PinoLogger, 'root', {
    configurable: true,
    get: () => root,
    set: (logger: Record<symbol, unknown> | undefined) => {
      if (logger) logger[pino.symbols.streamSym] = capture;
      root = logger;
    },
  });

  const db = await createTestDatabase();
  const baseEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    SECRETS_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: db.url,
    REDIS_KEY_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
    PUBLIC_URL: 'http://api.test.local',
    CONSOLE_URL: 'http://console.test.local',
    KEAP_AUTHORIZE_URL: `${sandboxUrl}/app/oauth/authorize`,
    KEAP_TOKEN_URL: `${sandboxUrl}/token`,
    KEAP_API_URL: `${sandboxUrl}/crm`,
    KEAP_CLIENT_ID: SANDBOX_KEAP_CLIENT.clientId,
    KEAP_CLIENT_SECRET: SANDBOX_KEAP_CLIENT.clientSecret,
    KEAP_REFRESH_INTERVAL_SECONDS: '0',
    TWILIO_API_BASE_URL: sandboxUrl,
    RUN_WORKER_IN_API: 'false',
    ...env,
  };
  const boot = async (config: AppConfig): Promise<INestApplication> => {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.api(config)],
    }).compile();
    // Lines logged outside a request go to nestjs-pino's one logger "out of context" (made with
    // the first PinoLogger): capture it too.
    const outOfContext = (await moduleRef.resolve(PinoLogger)).logger as unknown as Record<
      symbol,
      unknown
    >;
    outOfContext[pino.symbols.streamSym] = capture;
    const instance = moduleRef.createNestApplication({ bufferLogs: true });
    instance.useLogger(instance.get(Logger));
    configureApp(instance);
    recordAppResponses(instance, recorded);
    await instance.init();
    return instance;
  };
  const config = loadConfig(baseEnv);
  const app = await boot(config);
  const others: INestApplication[] = [];

  const api: ConfigApi = {
    app,
    config,
    db,
    sandbox,
    sandboxUrl,
    logLines: () => captured.join(''),
    responses: () => recorded,
    anonymous: () => request.agent(app.getHttpServer()),
    async anotherInstance(extra = {}) {
      const instance = await boot(
        loadConfig({
          ...baseEnv,
          SECRETS_KEY: config.SECRETS_KEY,
          DATABASE_URL: db.url,
          REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX,
          ...extra,
        }),
      );
      others.push(instance);
      return instance;
    },
    async storedSecrets() {
      return [...(await storedCredentials()), ...(await toolUrlSecrets()).map((t) => t.secret)];
    },
    async expectNoSecretsLeaked() {
      type Rule = {
        label: string;
        value: string;
        allowed?: (r: RecordedResponse, part: string) => boolean | Promise<boolean>;
      };
      const rules: Rule[] = [
        { label: 'KEAP_CLIENT_SECRET', value: config.KEAP_CLIENT_SECRET },
        { label: 'SECRETS_KEY', value: config.SECRETS_KEY },
        ...issued.map((value) => ({ label: 'a Keap token or OAuth code', value })),
        ...[...sandbox.twilio.accounts.values()].flatMap((a) => [
          { label: `the Twilio auth token of ${a.sid}`, value: a.authToken },
          ...a.apiKeys.map((k) => ({
            label: `the Twilio API secret of ${k.sid}`,
            value: k.secret,
          })),
        ]),
        ...(await storedCredentials()).map((value) => ({ label: 'a stored credential', value })),
      ];
      for (const r of recorded) {
        const issuedHere = (name: string) => cookiesSet(r, name);
        for (const value of issuedHere('sms_session'))
          rules.push({
            label: 'a session id',
            value,
            allowed: (x, part) => x === r && part === 'set-cookie',
          });
        for (const value of issuedHere('sms_csrf'))
          rules.push({
            label: 'a CSRF token',
            value,
            allowed: (x, part) => x === r && part === 'set-cookie',
          });
        for (const value of issuedHere('sms_oauth_state'))
          rules.push({
            label: 'an OAuth state',
            value,
            // The redirect to Keap's consent page carries it (Location, and Express's body).
            allowed: (x, part) => x === r && ['set-cookie', 'location', 'body'].includes(part),
          });
      }
      for (const { secret, accountId } of await toolUrlSecrets())
        rules.push({
          label: 'a tool URL secret',
          value: secret,
          allowed: async (x, part) => part === 'body' && (await x.accountId) === accountId,
        });
      const logs = captured.join('');
      const leaks: string[] = [];
      for (const rule of rules) {
        if (rule.value.length < 8) throw new Error(`too short to look for: ${rule.label}`);
        if (logs.includes(rule.value)) leaks.push(`${rule.label} in a log line`);
        for (const r of recorded) {
          const parts: [string, string][] = [
            ['body', r.body],
            ...Object.entries(r.headers).flatMap(([name, values]) =>
              values.map((v): [string, string] => [name, v]),
            ),
          ];
          for (const [part, text] of parts) {
            if (!text.includes(rule.value)) continue;
            if (rule.allowed && (await rule.allowed(r, part))) continue;
            leaks.push(`${rule.label} in the ${part} of ${r.method} ${r.url} (${r.status})`);
          }
        }
      }
      // Something was checked: the suite's answers and log lines are there to be searched.
      expect(recorded.length).toBeGreaterThan(0);
      expect(logs.length).toBeGreaterThan(1000);
      expect([...new Set(leaks)]).toEqual([]);
    },
    expectAnswersDocumented: () => expectAnswersDocumented(app, recorded),
    async signIn(tenantId: string): Promise<Browser> {
      const agent = request.agent(app.getHttpServer());
      const connect = await agent.get('/api/keap/connect').expect(302);
      const consent = new URL(connect.headers.location as string);
      const q = Object.fromEntries(consent.searchParams);
      const allow = await request(sandbox.app)
        .post('/app/oauth/authorize')
        .type('form')
        .send({
          client_id: q.client_id,
          redirect_uri: q.redirect_uri,
          state: q.state,
          scope: q.scope,
          tenant_id: tenantId,
          decision: 'allow',
        })
        .expect(302);
      const back = new URL(allow.headers.location as string);
      const done = await agent.get(`/api/keap/callback${back.search}`).expect(302);
      if (done.headers.location !== config.CONSOLE_URL)
        throw new Error(`sign-in failed: ${done.headers.location}`);
      const cookies = ([] as string[]).concat(done.headers['set-cookie'] ?? []);
      const csrf = /sms_csrf=([^;]+)/.exec(cookies.join('\n'))?.[1];
      if (!csrf) throw new Error('no CSRF cookie');
      const session = await agent.get('/api/session').expect(200);
      return { agent, csrf, accountId: (session.body as { account: { id: string } }).account.id };
    },
    async close() {
      for (const other of others) await other.close();
      await app.close();
      await new Promise((r) => sandboxServer.close(r));
      await db.drop();
      // Back to a plain static field, as nestjs-pino declares it.
      Object.defineProperty(PinoLogger, 'root', {
        value: root,
        writable: true,
        configurable: true,
        enumerable: true,
      });
    },
  };

  /** The Keap tokens and Twilio credentials stored now, opened. */
  async function storedCredentials(): Promise<string[]> {
    const box = app.get(SecretBox);
    const ds = app.get(DataSource);
    const keap: { id: string; a: string; r: string }[] = await ds.query(
      'SELECT account_id id, access_token_sealed a, refresh_token_sealed r FROM keap_connections',
    );
    const twilio: { id: string; t: string; k: string | null }[] = await ds.query(
      'SELECT account_id id, auth_token_sealed t, api_key_secret_sealed k FROM twilio_connections',
    );
    return [
      ...keap.flatMap((k) => [
        box.open(k.a, sealedFor.keapAccessToken(k.id)),
        box.open(k.r, sealedFor.keapRefreshToken(k.id)),
      ]),
      ...twilio.flatMap((t) => [
        box.open(t.t, sealedFor.twilioAuthToken(t.id)),
        ...(t.k ? [box.open(t.k, sealedFor.twilioApiKeySecret(t.id))] : []),
      ]),
    ];
  }

  async function toolUrlSecrets(): Promise<{ secret: string; accountId: string }[]> {
    const rows: { id: string; s: string; a: string }[] = await app
      .get(DataSource)
      .query('SELECT id, url_secret s, account_id a FROM tools');
    const box = app.get(SecretBox);
    return rows.map((t) => ({ secret: openUrlSecret(box, t.id, t.s), accountId: t.a }));
  }
  return api;
}

/** Polls until `check` passes or the deadline passes (no sleeps in tests). */
export async function eventually(
  check: () => Promise<void> | void,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
