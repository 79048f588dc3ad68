import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createSandbox, type Sandbox } from '@sms-seq/sandbox';

/** A request the fake app received from the sandbox (inbound text or status callback). */
export interface ReceivedWebhook {
  path: string;
  originalUrl: string;
  host: string | undefined;
  signature: string | undefined;
  params: Record<string, string>;
}

export interface RunningSandbox {
  sandbox: Sandbox;
  url: string;
  /** The HTTP server it listens on (to watch the connections clients open). */
  server: http.Server;
  close(): Promise<void>;
}

/** The sandbox in-process on a free port, as the adapter's tests talk to it over HTTP. */
export async function startSandbox(): Promise<RunningSandbox> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox = createSandbox({ publicUrl: url });
  server.on('request', sandbox.app);
  return {
    sandbox,
    url,
    server,
    close: async () => {
      await sandbox.twilio.whenIdle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A stand-in for our app's webhook endpoints: records what arrives and answers empty TwiML. */
export async function startWebhookReceiver(): Promise<{
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}> {
  const received: ReceivedWebhook[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/{*path}', (req, res) => {
    received.push({
      path: req.path,
      originalUrl: req.originalUrl,
      host: req.headers.host,
      signature: req.header('x-twilio-signature'),
      params: req.body as Record<string, string>,
    });
    res.type('text/xml').send('<Response/>');
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after the deadline. */
export async function eventually<T>(
  check: () => T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
