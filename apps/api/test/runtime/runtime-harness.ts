import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { createServer, type Server as NetServer, type Socket, connect } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { ToolDefinitionInput } from '@sms-seq/engine';
import { createSandbox, type Sandbox } from '@sms-seq/sandbox';
import request from 'supertest';
import twilio from 'twilio';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app/app.module';
import { loadConfig } from '../../src/config/config';
import { configureApp } from '../../src/app/configure-app';
import { WallClock } from '../../src/conversations/wall-clock';
import { SessionStore } from '../../src/session/session.store';
import {
  expectAnswersDocumented,
  type RecordedResponse,
  recordAppResponses,
} from '../support/documented-answers';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  aConnectedAccount,
  aKeapContact,
  aPhone,
  aPublishedTool,
  aTool,
  DEMO_NUMBER,
} from './builders';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A TCP relay in front of the real Redis: `cut()` drops every connection and refuses new ones (a
 * Redis outage as the app sees it), `restore()` lets them in again.
 */
export interface RedisLine {
  url: string;
  cut(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

async function aRedisLine(target: URL): Promise<RedisLine> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: NetServer | null = null;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await listen();
  return {
    url: `redis://127.0.0.1:${port}${target.pathname}`,
    cut: () => void stop(),
    restore: listen,
    close: stop,
  };
}

/** A browser signed in to the console (RuntimeHarness.signedIn). */
export type ConsoleBrowser = ReturnType<typeof request.agent>;

export interface RuntimeHarness {
  t: TestApp;
  ds: DataSource;
  sandbox: Sandbox;
  sandboxUrl: string;
  publicUrl: string;
  /** Present when started with `{ redisLine: true }`. */
  redis: RedisLine | null;
  /** Where the app takes Twilio's inbound texts (`${publicUrl}/hooks/twilio/sms`). */
  smsUrl: string;
  /**
   * An account connected to the sandbox's demo Keap tenant (or `tenantId`) and its demo Twilio
   * account, every sandbox number's texts coming to this app (aConnectedAccount).
   */
  connectedAccount(options?: { tenantId?: string }): Promise<{ accountId: string }>;
  /** The account's tool `aTool(input)`, published as version 1. */
  publishedTool(
    accountId: string,
    input: Partial<ToolDefinitionInput>,
  ): Promise<{ toolId: string; secret: string }>;
  /**
   * A campaign's "Send HTTP Post" starts the tool for the contact (answered 202): a JSON body, or
   * with `form` the form Keap posts (`contactId` as text).
   */
  startByHttpPost(
    tool: { toolId: string; secret: string },
    contactId: number,
    options?: { form?: boolean },
  ): Promise<void>;
  /** A new Keap contact with a fresh phone, started by HTTP Post as above; its phone. */
  startContact(
    tool: { toolId: string; secret: string },
    firstName: string,
    options?: { form?: boolean },
  ): Promise<string>;
  /**
   * A browser signed in to the console as the account: its session and CSRF cookies, and the CSRF
   * header the console sends with each request.
   */
  signedIn(accountId: string): Promise<ConsoleBrowser>;
  /** The texts the app sent to this phone, oldest first (bodies). */
  textsTo(phone: string): string[];
  /** The phone texts one of the sandbox's numbers (the demo number unless `to`). */
  text(
    from: string,
    body: string,
    extra?: { deliverTwice?: boolean; to?: string },
  ): ReturnType<Sandbox['twilio']['receiveInbound']>;
  /**
   * Posts an inbound text's form (anInboundText) to the app's webhook as Twilio does, signed with
   * `authToken` over smsUrl; the app's answer.
   */
  postSignedText(params: Record<string, string>, authToken: string): Promise<request.Response>;
  /** The phone's conversations, oldest first. */
  conversationsOf(phone: string): Promise<
    {
      id: string;
      status: string;
      current_step_id: string | null;
      contact_id: number | null;
      ended_at: Date | null;
    }[]
  >;
  /**
   * For each text the app sent through the sandbox's Twilio API, in order: the number of the
   * connection it came over (connections numbered as they first carried a text).
   */
  twilioSendConnections(): number[];
  /**
   * Fails naming each answer of the app (not of `anotherInstance`) that its OpenAPI document does
   * not describe (status, or JSON body against the schema).
   */
  expectAnswersDocumented(): Promise<void>;
  /** One more API process (HTTP + worker) on the same database and Redis. */
  anotherInstance(): Promise<{ app: INestApplication; url: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * The real app listening on a port (the sandbox posts Twilio webhooks to it), the sandbox Twilio
 * and Keap in-process on another, real PostgreSQL and Redis (own key prefix). Durations are
 * configuration: seconds instead of minutes and hours.
 */
export async function startRuntime(
  env: Record<string, string> = {},
  options: { redisLine?: boolean } = {},
): Promise<RuntimeHarness> {
  const sandboxPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandbox = createSandbox({ publicUrl: sandboxUrl });
  const sandboxServer: Server = await new Promise((resolve) => {
    const s = sandbox.app.listen(sandboxPort, '127.0.0.1', () => resolve(s));
  });
  const connectionNumbers = new WeakMap<Socket, number>();
  const sendConnections: number[] = [];
  let connectionsSeen = 0;
  sandboxServer.on('request', (req: IncomingMessage) => {
    if (req.method !== 'POST' || !/\/Messages\.json(?:\?|$)/.test(req.url ?? '')) return;
    let n = connectionNumbers.get(req.socket);
    if (n === undefined) {
      n = ++connectionsSeen;
      connectionNumbers.set(req.socket, n);
    }
    sendConnections.push(n);
  });
  const redis = options.redisLine
    ? await aRedisLine(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'))
    : null;
  const appPort = await freePort();
  const publicUrl = `http://127.0.0.1:${appPort}`;
  const appEnv: Record<string, string> = {
    PORT: String(appPort),
    PUBLIC_URL: publicUrl,
    KEAP_API_URL: `${sandboxUrl}/crm`,
    KEAP_TOKEN_URL: `${sandboxUrl}/token`,
    KEAP_CLIENT_ID: 'sandbox-keap-client-id',
    KEAP_CLIENT_SECRET: 'sandbox-keap-client-secret',
    KEAP_REFRESH_INTERVAL_SECONDS: '0',
    TWILIO_API_BASE_URL: sandboxUrl,
    REDIS_KEY_PREFIX: `test:runtime:${randomBytes(4).toString('hex')}:`,
    QUEUE_BACKOFF_MS: '100',
    QUEUE_ATTEMPTS: '8',
    OUTBOX_RELAY_INTERVAL_MS: '200',
    OUTBOX_REPUBLISH_AFTER_MS: '3000',
    CONVERSATION_SWEEP_INTERVAL_MS: '200',
    SEND_RATE_LONG_CODE: '100',
    SEND_RATE_MESSAGING_SERVICE: '100',
    // A reply's field save waits this long at most for the conversation's next ones (60 s live).
    FIELD_SAVE_MAX_DELAY_MS: '300',
    ...(redis ? { REDIS_URL: redis.url } : {}),
    ...env,
  };
  const t = await startTestApp(appEnv);
  const answers: RecordedResponse[] = [];
  recordAppResponses(t.app, answers);
  await t.app.listen(appPort, '127.0.0.1');
  const ds = t.app.get(DataSource);
  const others: { close(): Promise<void> }[] = [];
  const smsUrl = `${publicUrl}/hooks/twilio/sms`;
  const startByHttpPost: RuntimeHarness['startByHttpPost'] = async (tool, contactId, options) => {
    const post = request(t.app.getHttpServer()).post(`/hooks/tools/${tool.toolId}/${tool.secret}`);
    await (
      options?.form
        ? post.type('form').send({ contactId: String(contactId) })
        : post.send({ contactId })
    ).expect(202);
  };
  return {
    t,
    ds,
    sandbox,
    sandboxUrl,
    publicUrl,
    redis,
    smsUrl,
    connectedAccount: (options = {}) =>
      aConnectedAccount(ds, sandbox, t.config.SECRETS_KEY, { smsUrl, ...options }),
    publishedTool: (accountId, input) => aPublishedTool(ds, accountId, aTool(input)),
    startByHttpPost,
    async startContact(tool, firstName, options) {
      const phone = aPhone();
      await startByHttpPost(tool, aKeapContact(sandbox, { firstName, phone }), options);
      return phone;
    },
    async signedIn(accountId) {
      const { id, session } = await t.app.get(SessionStore).create(accountId);
      return request
        .agent(t.app.getHttpServer())
        .set('Cookie', `sms_session=${id}; sms_csrf=${session.csrfToken}`)
        .set('x-csrf-token', session.csrfToken);
    },
    textsTo: (phone) =>
      sandbox.twilio.messages
        .filter((m) => m.to === phone && m.direction === 'outbound-api')
        .map((m) => m.body),
    text: (from, body, extra = {}) =>
      sandbox.twilio.receiveInbound({
        from,
        to: extra.to ?? DEMO_NUMBER,
        body,
        deliverTwice: extra.deliverTwice,
      }),
    postSignedText: (params, authToken) =>
      request(t.app.getHttpServer())
        .post('/hooks/twilio/sms')
        .type('form')
        .set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(authToken, smsUrl, params))
        .send(params),
    twilioSendConnections: () => [...sendConnections],
    expectAnswersDocumented: () => expectAnswersDocumented(t.app, answers),
    conversationsOf: (phone) =>
      ds.query(
        `SELECT id, status, current_step_id, contact_id, ended_at FROM conversations WHERE phone = $1 ORDER BY started_at, created_at`,
        [phone],
      ),
    async anotherInstance() {
      const port = await freePort();
      // Same database, same secrets key, same Redis prefix: one deployment, two processes.
      const config = loadConfig({
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        SECRETS_KEY: t.config.SECRETS_KEY,
        DATABASE_URL: t.db.url,
        ...appEnv,
        PORT: String(port),
      });
      const moduleRef = await Test.createTestingModule({
        imports: [AppModule.api(config)],
      }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      configureApp(app);
      await app.init();
      await app.listen(port, '127.0.0.1');
      const instance = { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
      others.push(instance);
      return instance;
    },
    async close() {
      for (const o of others) await o.close();
      await t.close();
      await redis?.close();
      await new Promise((resolve) => sandboxServer.close(resolve));
    },
  };
}

/**
 * Makes the app's clock strike 09:00 UTC (OFFICE_HOURS opening) at the real moment `at`, and run
 * on from there; undoes any clock set before.
 */
export function openWindowAt(h: RuntimeHarness, at: number): void {
  const nine = new Date();
  nine.setUTCHours(9, 0, 0, 0);
  const offset = nine.getTime() - at;
  jest.restoreAllMocks();
  jest.spyOn(h.t.app.get(WallClock), 'now').mockImplementation(() => Date.now() + offset);
}

/** Polls until `check` returns a value (not undefined/false) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false | null> | T | undefined | false | null,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false && value !== null) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Lets the app settle, then checks that `check` still holds: for "nothing more happened" after
 * work that is observable (e.g. once the outbox is drained), so no fixed sleep is needed.
 */
export async function whenIdle(h: RuntimeHarness, timeoutMs = 15_000): Promise<void> {
  await eventually(
    async () => {
      const [{ n }] = await h.ds.query(
        `SELECT (SELECT count(*) FROM outbox WHERE done_at IS NULL) + (SELECT count(*) FROM messages WHERE direction = 'in' AND status = 'received') AS n`,
      );
      return Number(n) === 0;
    },
    'the runtime to have no work left',
    timeoutMs,
  );
  await h.sandbox.twilio.whenIdle();
}
