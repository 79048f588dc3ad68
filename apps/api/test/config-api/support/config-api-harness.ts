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
import { SecretBox } from '../../../src/crypto/secret-box';
import type TestAgent from 'supertest/lib/agent';
import { AppModule } from '../../../src/app.module';
import { type AppConfig, loadConfig } from '../../../src/config/config';
import { configureApp } from '../../../src/configure-app';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

export interface ConfigApi {
  app: INestApplication;
  config: AppConfig;
  db: TestDatabase;
  sandbox: Sandbox;
  sandboxUrl: string;
  /** Every line the app logged (pino JSON), for "no secret in any log line". */
  logLines(): string;
  /** Every secret the app holds right now (Keap tokens, Twilio auth tokens, tool URL secrets), opened. */
  storedSecrets(): Promise<string[]>;
  /** A browser signed in to the given sandbox Keap tenant through the real OAuth flow. */
  signIn(tenantId: string): Promise<Browser>;
  anonymous(): TestAgent;
  close(): Promise<void>;
}

export interface Browser {
  agent: TestAgent;
  csrf: string;
  accountId: string;
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
  const sandboxServer = createServer();
  const sandboxPort = await listen(sandboxServer);
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandbox = createSandbox({ publicUrl: sandboxUrl });
  sandboxServer.on('request', sandbox.app);

  const db = await createTestDatabase();
  const config = loadConfig({
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
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.with(config)] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureApp(app);
  await app.init();
  // Every logger (request children included) inherits its destination from the root: capture it there.
  (PinoLogger.root as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = {
    write: (line: string) => captured.push(line),
  };

  const api: ConfigApi = {
    app,
    config,
    db,
    sandbox,
    sandboxUrl,
    logLines: () => captured.join(''),
    anonymous: () => request.agent(app.getHttpServer()),
    async storedSecrets() {
      const box = app.get(SecretBox);
      const ds = app.get(DataSource);
      const keap: { a: string; r: string }[] = await ds.query(
        'SELECT access_token_sealed a, refresh_token_sealed r FROM keap_connections',
      );
      const twilio: { t: string; k: string | null }[] = await ds.query(
        'SELECT auth_token_sealed t, api_key_secret_sealed k FROM twilio_connections',
      );
      const tools: { s: string }[] = await ds.query('SELECT url_secret s FROM tools');
      return [
        ...keap.flatMap((k) => [box.open(k.a), box.open(k.r)]),
        ...twilio.flatMap((t) => [box.open(t.t), ...(t.k ? [box.open(t.k)] : [])]),
        ...tools.map((t) => t.s),
      ];
    },
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
      await app.close();
      await new Promise((r) => sandboxServer.close(r));
      await db.drop();
    },
  };
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
