/**
 * The load generator of the webhooks benchmark, run as its own process (so its work never shares
 * the API's event loop): signed Twilio inbound-SMS posts, one per phone, from `concurrency`
 * keep-alive connections for a fixed time after a warm-up. Bounded in count (one request per
 * phone) and in time, and it only ever calls the loopback URL it is given.
 *
 * Input: one JSON argument (LoadPlan). Output: one JSON line on stdout (LoadResult).
 */
import { createRequire } from 'node:module';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { phoneOf } from './bench-data';

export interface LoadPlan {
  /** Where to post: must be a loopback URL. */
  targetUrl: string;
  /** The URL the signature is computed against (the API's PUBLIC_URL + path), as Twilio does. */
  signedUrl: string;
  accountSid: string;
  authToken: string;
  to: string;
  /** Phones firstPhone .. firstPhone+maxRequests-1 each reply once. */
  firstPhone: number;
  maxRequests: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  /** Measured window only (after the warm-up). */
  ok: number;
  failed: number;
  failures: Record<string, number>;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Every request sent, warm-up included (each is one reply the system must process). */
  sent: number;
  sentOk: number;
  exhausted: boolean;
}

// twilio is a dependency of the API, not of the repository root: load it from there.
const apiRequire = createRequire(join(__dirname, '..', '..', 'apps', 'api', 'package.json'));
const twilio = apiRequire('twilio') as {
  getExpectedTwilioSignature(token: string, url: string, params: Record<string, string>): string;
};

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`refusing to load ${host}: the benchmark only calls loopback addresses`);
  }
}

/** Every standard parameter of Twilio's inbound message webhook (as the sandbox sends them). */
function inboundParams(plan: LoadPlan, index: number): Record<string, string> {
  const sid = `SM${index.toString(16).padStart(8, '0')}${'b'.repeat(24)}`;
  const body =
    index % 3 === 0 ? 'Blue, definitely' : index % 3 === 1 ? 'I like red' : 'Maybe green?';
  return {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: sid,
    NumMedia: '0',
    ToCity: 'SAN FRANCISCO',
    FromZip: '',
    SmsSid: sid,
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: body,
    FromCountry: 'US',
    To: plan.to,
    ToZip: '94105',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: plan.accountSid,
    From: phoneOf(plan.firstPhone + index),
    ApiVersion: '2010-04-01',
  };
}

interface Prepared {
  body: string;
  signature: string;
}

function prepare(plan: LoadPlan): Prepared[] {
  const out: Prepared[] = [];
  for (let i = 0; i < plan.maxRequests; i++) {
    const params = inboundParams(plan, i);
    out.push({
      body: new URLSearchParams(params).toString(),
      signature: twilio.getExpectedTwilioSignature(plan.authToken, plan.signedUrl, params),
    });
  }
  return out;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

async function run(plan: LoadPlan): Promise<LoadResult> {
  assertLoopback(plan.targetUrl);
  // Signatures are computed before the clock starts: the generator's own CPU is not in the window.
  const prepared = prepare(plan);
  const target = new URL(plan.targetUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const latencies = new Float64Array(plan.maxRequests);
  let measured = 0;
  let ok = 0;
  let failed = 0;
  let sent = 0;
  let sentOk = 0;
  const failures: Record<string, number> = {};
  let next = 0;
  const start = performance.now();
  const measureFrom = start + plan.warmupMs;
  const end = measureFrom + plan.durationMs;

  const post = (p: Prepared): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(p.body),
            'x-twilio-signature': p.signature,
            'user-agent': 'TwilioProxy/1.1',
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(p.body);
    });

  const loop = async (): Promise<void> => {
    for (;;) {
      const now = performance.now();
      if (now >= end || next >= prepared.length) return;
      const p = prepared[next++]!;
      const t0 = performance.now();
      let outcome: string;
      try {
        const res = await post(p);
        outcome =
          res.status === 200 && res.body.includes('<Response') ? 'ok' : `http ${res.status}`;
      } catch (err) {
        outcome = (err as Error).message;
      }
      const t1 = performance.now();
      sent++;
      if (outcome === 'ok') sentOk++;
      // Counted in the window when it started and ended inside it.
      if (t0 >= measureFrom && t1 <= end) {
        if (outcome === 'ok') {
          ok++;
          latencies[measured++] = t1 - t0;
        } else {
          failed++;
          failures[outcome] = (failures[outcome] ?? 0) + 1;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, loop));
  agent.destroy();
  const windowMs = Math.min(performance.now(), end) - measureFrom;
  const sorted = latencies.subarray(0, measured).sort();
  return {
    ok,
    failed,
    failures,
    seconds: windowMs / 1000,
    perSecond: ok / (windowMs / 1000),
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    sent,
    sentOk,
    exhausted: next >= prepared.length,
  };
}

const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan;
run(plan).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 1;
  },
);
