import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import {
  createDatabase,
  freePorts,
  ROOT,
  startChild,
  stopChild,
  waitForHttp,
} from './support/product';

/**
 * The README's start command (`npm start` = scripts/start.sh), run as a newcomer runs it: set-up,
 * build, then sandbox, API (worker inside) and console together, with the demo account. On free
 * ports and a fresh database, so it runs beside everything else. The newcomer's first minute:
 * every page answers, and texting DEMO from the phone simulator gets the demo sequence's text.
 */
describe('The start command', () => {
  let child: ChildProcess | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let urls: { api: string; web: string; sandbox: string };
  let logDir: string;

  beforeAll(async () => {
    const run = `${Date.now()}-${randomBytes(3).toString('hex')}`;
    logDir = path.join(ROOT, '.run', 'start-e2e', run);
    mkdirSync(logDir, { recursive: true });
    database = await createDatabase(`sms_start_e2e_${run.replace(/-/g, '_')}`);
    const [api, web, sandbox] = await freePorts(3);
    urls = {
      api: `http://127.0.0.1:${api}`,
      web: `http://127.0.0.1:${web}`,
      sandbox: `http://127.0.0.1:${sandbox}`,
    };
    // Nothing of this test process's own configuration leaks in: the script decides.
    const env: Record<string, string> = {
      PORT: String(api),
      WEB_PORT: String(web),
      SANDBOX_PORT: String(sandbox),
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: `start-e2e:${run}:`,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      KEAP_CLIENT_ID: '',
      KEAP_CLIENT_SECRET: '',
      PUBLIC_URL: '',
      CONSOLE_URL: '',
      LOG_LEVEL: 'warn',
    };
    child = startChild('start', ['bash', 'scripts/start.sh'], env, logDir);
  }, 60_000);

  afterAll(async () => {
    if (child) await stopChild(child);
    await database?.drop();
  });

  it('brings up the API, the console, the sandbox and its phone simulator', async () => {
    // Set-up and the (cached) build come first: allow for a cold machine.
    await waitForHttp(`${urls.api}/health`, `the API (logs in ${logDir})`, 240_000);
    await waitForHttp(`${urls.sandbox}/health`, 'the sandbox');
    await waitForHttp(urls.web, 'the console');
    const consolePage = await (await fetch(urls.web)).text();
    expect(consolePage).toContain('<div id="root">');
    const phone = await fetch(`${urls.sandbox}/phone`);
    expect(phone.status).toBe(200);
    expect(await phone.text()).toMatch(/<title>[^<]*phone/i);
    const docs = await fetch(`${urls.api}/api/docs`);
    expect(docs.status).toBe(200);
  }, 300_000);

  it('has the demo account ready: texting DEMO to the demo number starts the demo sequence', async () => {
    const phone = `+1415555${String(1000 + Math.floor(Math.random() * 8999))}`;
    const demoNumber = '+14155550100';
    // The API seeds the demo account as soon as the sandbox answers.
    const deadline = Date.now() + 60_000;
    let received: { body: string }[] = [];
    let sent = false;
    while (Date.now() < deadline && received.length === 0) {
      if (!sent) {
        const answer = await fetch(`${urls.sandbox}/sandbox/twilio/inbound`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: phone, to: demoNumber, body: 'demo' }),
        });
        const delivered = (await answer.json()) as { deliveries: { responseStatus: number }[] };
        // Until the demo seed has pointed the number at the API there is nowhere to deliver.
        sent = delivered.deliveries.some((d) => d.responseStatus === 200);
      }
      const texts = (await (
        await fetch(`${urls.sandbox}/sandbox/twilio/phones/${encodeURIComponent(phone)}/messages`)
      ).json()) as { received: { body: string }[] };
      received = texts.received;
      if (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(sent).toBe(true);
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]?.body).toMatch(/email address/i);
  }, 120_000);
});
