/**
 * The load generator of the campaign-burst benchmark, run as its own process (its work never
 * shares the API's event loop): Keap campaign "Send HTTP Post" calls to tool URLs, a form with
 * `contactId` as Keap sends it, from `concurrency` keep-alive connections, each post once, as fast
 * as the API answers. Only ever calls the loopback URL it is given.
 *
 * Input: the path of a JSON file with the plan (BurstPlan). Output: one JSON line on stdout (BurstResult).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface BurstPlan {
  /** The API's base URL: must be a loopback URL. */
  baseUrl: string;
  /** Each post: the tool URL's path and the contact it starts. */
  posts: { path: string; contactId: number }[];
  concurrency: number;
}

export interface BurstResult {
  /** Answers by HTTP status (0: no answer). */
  statuses: Record<string, number>;
  /** A few non-202 answers, for the report. */
  failures: string[];
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Epoch ms: the first post sent, the last answer received. */
  firstSentAt: number;
  lastAnsweredAt: number;
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== 'localhost' && host !== '[::1]')
    throw new Error(`refusing to load ${host}: the benchmark only calls loopback addresses`);
}

function post(
  agent: Agent,
  base: URL,
  path: string,
  contactId: number,
): Promise<{ status: number; body: string }> {
  const body = `contactId=${contactId}`;
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          // What Keap's HTTP Post sends (its user agent is not documented; this one is ours).
          'user-agent': 'campaign-burst-bench',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end(body);
  });
}

async function main(): Promise<void> {
  // The plan is a file (10,000 posts are too long for an argument).
  const plan = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as BurstPlan;
  assertLoopback(plan.baseUrl);
  const base = new URL(plan.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  let next = 0;
  let lastAnsweredAt = 0;
  const firstSentAt = Date.now();
  await Promise.all(
    Array.from({ length: plan.concurrency }, async () => {
      for (;;) {
        const i = next++;
        const p = plan.posts[i];
        if (!p) return;
        const sent = performance.now();
        const answer = await post(agent, base, p.path, p.contactId);
        latencies.push(performance.now() - sent);
        lastAnsweredAt = Date.now();
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (answer.status !== 202 && failures.length < 5)
          failures.push(`${answer.status} ${answer.body.slice(0, 200)}`);
      }
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (x: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(x * latencies.length))] ?? 0;
  const result: BurstResult = {
    statuses,
    failures,
    p50Ms: q(0.5),
    p90Ms: q(0.9),
    p99Ms: q(0.99),
    maxMs: latencies[latencies.length - 1] ?? 0,
    firstSentAt,
    lastAnsweredAt,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
