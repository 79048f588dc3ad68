import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { createSandbox, type Sandbox } from '@sms-seq/sandbox';
import { startTestApp, type TestApp } from '../support/test-app';

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

export interface RuntimeHarness {
  t: TestApp;
  sandbox: Sandbox;
  sandboxUrl: string;
  publicUrl: string;
  close(): Promise<void>;
}

/**
 * The real app listening on a port (the sandbox posts Twilio webhooks to it), the sandbox Twilio
 * and Keap in-process on another, real PostgreSQL and Redis (own key prefix). Durations are
 * configuration: seconds instead of minutes and hours.
 */
export async function startRuntime(env: Record<string, string> = {}): Promise<RuntimeHarness> {
  const sandboxPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandbox = createSandbox({ publicUrl: sandboxUrl });
  const sandboxServer: Server = await new Promise((resolve) => {
    const s = sandbox.app.listen(sandboxPort, '127.0.0.1', () => resolve(s));
  });
  const appPort = await freePort();
  const publicUrl = `http://127.0.0.1:${appPort}`;
  const t = await startTestApp({
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
    ...env,
  });
  await t.app.listen(appPort, '127.0.0.1');
  return {
    t,
    sandbox,
    sandboxUrl,
    publicUrl,
    async close() {
      await t.close();
      await new Promise((resolve) => sandboxServer.close(resolve));
    },
  };
}

/** Polls until `check` returns a value (not undefined/false) or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false | null> | T | undefined | false | null, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false && value !== null) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
