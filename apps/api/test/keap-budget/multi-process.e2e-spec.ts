import request from 'supertest';
import { readsAndWrites } from '../../src/keap/budget/keap-call-kinds';
import { OutboxPublisher } from '../../src/outbox/outbox.publisher';
import { aKeapContact, aPhone } from '../runtime/builders';
import {
  eventually,
  startRuntime,
  whenIdle,
  type RuntimeHarness,
} from '../runtime/runtime-harness';
import { aCampaignCustomer } from './budget-builders';
import {
  configAsEnv,
  startWorkerProcesses,
  type WorkerProcesses,
} from './support/worker-processes';

/**
 * Issue 7's proof: three worker PROCESSES (the built `dist/worker.js`, default queue concurrency)
 * and an HTTP-only API process on one database and Redis; 20 accounts, each its own Keap tenant;
 * the Keap sandbox's app and tenant quotas set low and the budget told the same limits. One
 * account fires a campaign burst of HTTP-Post starts, the 19 others two each, queued behind the
 * burst (the start queue is paused while the posts are accepted, then let go at once). Every contact answers its first text; each answer saves a field and applies a tag.
 *
 * Fairness measures:
 * 1. No starvation: every small account's conversations get their first text before the big
 *    account's median conversation does (first come, first served would put them behind the
 *    whole burst).
 * 2. Bounded overtaking: for each Keap call of a small account, the big account's calls of the
 *    same priority granted while it waited are at most one per round, i.e. at most (the small
 *    account's own calls queued ahead of it + 1), plus MEASURE_NOISE: grants are stamped in
 *    three processes when their pub/sub message arrives.
 */
const MEASURE_NOISE = 3;
const PER_SECOND = 20;
const PER_MINUTE = 900;
const TENANT_PER_MINUTE = 450;
const ACCOUNTS = 20;
const BIG = 200;
const SMALL = 2;
const WORKERS = 3;

describe('keap budget across 3 worker processes and 20 accounts: no 429, all finish, fair', () => {
  let h: RuntimeHarness;
  let workers: WorkerProcesses | undefined;
  const accounts: {
    accountId: string;
    tenantId: string;
    tool: { toolId: string; secret: string };
    number: string;
    phones: string[];
  }[] = [];

  beforeAll(async () => {
    const budgetEnv = {
      KEAP_BUDGET_PER_SECOND: String(PER_SECOND),
      KEAP_BUDGET_PER_MINUTE: String(PER_MINUTE),
      KEAP_BUDGET_TENANT_PER_MINUTE: String(TENANT_PER_MINUTE),
      METRICS_ENABLED: 'true',
    };
    // This process serves HTTP only (webhooks, tool URLs, /metrics); the workers do the work.
    h = await startRuntime({ ...budgetEnv, RUN_WORKER_IN_API: 'false' });
    await request(h.sandboxUrl)
      .put('/sandbox/keap/quotas')
      .send({
        appPerSecond: PER_SECOND,
        appPerMinute: PER_MINUTE,
        tenantPerMinute: TENANT_PER_MINUTE,
      })
      .expect(200);
    for (let i = 0; i < ACCOUNTS; i++) {
      const tenantId = `multi${i}`;
      accounts.push({ ...(await aCampaignCustomer(h, tenantId, `Campaign ${i}`)), phones: [] });
    }
    // Same configuration as this process, except that they run the queues (default concurrency).
    const { QUEUE_CONCURRENCY: _q, KEAP_QUEUE_CONCURRENCY: _k, ...env } = configAsEnv(h.t.config);
    workers = startWorkerProcesses(WORKERS, { ...env, RUN_WORKER_IN_API: 'true' });
    const queue = h.t.app.get(OutboxPublisher).queue('start_http');
    await eventually(
      async () => (await queue.getWorkers()).length >= WORKERS,
      `${WORKERS} worker processes on the queues`,
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${workers?.output() ?? ''}`);
    });
  }, 120_000);

  afterAll(async () => {
    await workers?.stop();
    await h?.close();
  });

  it('runs every conversation to its end without a 429, within the targets, and does not starve the small accounts', async () => {
    const big = accounts[0]!;
    const small = accounts.slice(1);
    const starts: { account: (typeof accounts)[number]; contactId: number }[] = [];
    // The burst first, then the small accounts' starts while it is queued.
    for (const account of [big, ...small]) {
      for (let n = 0; n < (account === big ? BIG : SMALL); n++) {
        const phone = aPhone();
        account.phones.push(phone);
        const contactId = aKeapContact(h.sandbox, { firstName: `C${n}`, phone }, account.tenantId);
        starts.push({ account, contactId });
      }
    }
    // Queued while the start queue is paused, so the burst is one backlog when the workers take
    // it (as after a campaign fires), however slowly this loaded machine answers the posts.
    const startQueue = h.t.app.get(OutboxPublisher).queue('start_http');
    await startQueue.pause();
    await Promise.all(
      starts.map(({ account, contactId }) =>
        request(h.t.app.getHttpServer())
          .post(`/hooks/tools/${account.tool.toolId}/${account.tool.secret}`)
          .type('form')
          .send({ contactId: String(contactId) })
          .expect(202),
      ),
    );

    const t0 = Date.now();
    await startQueue.resume();
    // When each contact's first text reached Twilio (the sandbox stamps it), and the answers.
    const firstTextAt = new Map<string, number>();
    const all = accounts.flatMap((a) => a.phones);
    await eventually(
      async () => {
        const answers: Promise<unknown>[] = [];
        for (const account of accounts) {
          for (const phone of account.phones) {
            const text = firstTextAt.has(phone)
              ? undefined
              : h.sandbox.twilio.messages.find(
                  (m) => m.to === phone && m.direction === 'outbound-api',
                );
            if (!text) continue;
            firstTextAt.set(phone, text.dateCreated.getTime());
            answers.push(h.text(phone, 'Blue, of course', { to: account.number }));
          }
        }
        await Promise.all(answers);
        const [{ open, n }] = await h.ds.query(
          `SELECT count(*) FILTER (WHERE ended_at IS NULL)::int AS open, count(*)::int AS n FROM conversations`,
        );
        return n === all.length && open === 0;
      },
      'every conversation to end',
      150_000,
    ).catch(async (err: Error) => {
      const state = await h.ds.query(
        `SELECT status, current_step_id, count(*)::int AS n FROM conversations GROUP BY 1, 2`,
      );
      throw new Error(
        `${err.message}\n${JSON.stringify({ texted: firstTextAt.size, of: all.length, state, keap: h.sandbox.keap.callCounts() })}\n${workers?.output() ?? ''}`,
      );
    });
    await whenIdle(h, 60_000);

    // 1. Keap never answered 429: one budget held three processes under the app and tenant quotas.
    const keap = h.sandbox.keap.callCounts();
    expect(keap.throttled).toBe(0);

    // 2. Every conversation finished, with its one text, its field saved and its tag applied.
    for (const phone of all) expect(h.textsTo(phone)).toHaveLength(1);
    const rows: { account_id: string; status: string; keap_calls: Record<string, number> }[] =
      await h.ds.query(`SELECT account_id, status, keap_calls FROM conversations`);
    expect(rows).toHaveLength(all.length);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['finished']));

    // 3. Calls within the targets: at most one contact read per start (starts read in batches,
    //    each batch's call counted on one conversation), at most 2 writes per reply, and the
    //    account's field model read once per account, not once per concurrent start.
    for (const row of rows) {
      const { 'contacts.model': _model, ...perConversation } = row.keap_calls;
      expect(perConversation['contacts.list'] ?? 0).toBeLessThanOrEqual(1);
      expect(readsAndWrites(perConversation).reads).toBeLessThanOrEqual(1);
      expect(readsAndWrites(perConversation).writes).toBeLessThanOrEqual(2);
    }
    for (const account of accounts) {
      const byOperation = keap.byTenant[account.tenantId] ?? {};
      expect(byOperation.retrieveContactModel ?? 0).toBeLessThanOrEqual(1);
      const model = rows
        .filter((r) => r.account_id === account.accountId)
        .reduce((sum, r) => sum + (r.keap_calls['contacts.model'] ?? 0), 0);
      expect(model).toBe(byOperation.retrieveContactModel ?? 0);
    }

    // 4. The work was shared by the three processes, and every call went through a budget.
    const grants = workers!.grants();
    expect(new Set(grants.map((g) => g.pid)).size).toBe(WORKERS);
    expect(grants).toHaveLength(keap.total);

    // 5. Fairness (1): no starvation. Each small account's Keap work was done before most of the
    //    burst's: its last call was granted before three quarters of the big account's calls
    //    were. (Measured on the calls, not on the first texts: the starts' contact reads go in
    //    batches, a few calls for the whole burst, so no start waits behind the burst's reads;
    //    the burst's backlog is the Keap work after its contacts answer.)
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const bigMedian = median(big.phones.map((p) => firstTextAt.get(p)!));
    const grantTimesOf = (accountId: string) =>
      grants
        .filter((g) => g.accountId === accountId)
        .map((g) => g.grantedAt)
        .sort((a, b) => a - b);
    const bigGrants = grantTimesOf(big.accountId);
    const bigThreeQuarters = bigGrants[Math.floor((bigGrants.length * 3) / 4)]!;
    for (const account of small)
      expect(Math.max(...grantTimesOf(account.accountId))).toBeLessThan(bigThreeQuarters);

    // Fairness (2): bounded overtaking, for every call of every small account.
    const smallIds = new Set(small.map((a) => a.accountId));
    let worst = 0;
    for (const g of grants.filter((x) => smallIds.has(x.accountId))) {
      const sameLane = (x: (typeof grants)[number]) =>
        x !== g &&
        x.priority === g.priority &&
        x.grantedAt > g.askedAt &&
        x.grantedAt < g.grantedAt;
      const bigDuring = grants.filter((x) => x.accountId === big.accountId && sameLane(x)).length;
      const ownAhead = grants.filter(
        (x) => x.accountId === g.accountId && x.askedAt < g.askedAt && sameLane(x),
      ).length;
      worst = Math.max(worst, bigDuring - ownAhead);
      expect(bigDuring).toBeLessThanOrEqual(ownAhead + 1 + MEASURE_NOISE);
    }

    // 6. Calls per conversation in the metrics, observed by the workers, served by this process.
    const metrics = await request(h.t.app.getHttpServer()).get('/metrics').expect(200);
    const sample = (name: string, labels: string) =>
      Number(new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm').exec(metrics.text)?.[1]);
    expect(sample('keap_calls_per_conversation_count', 'kind="contacts.list"')).toBe(all.length);
    expect(sample('keap_calls_per_conversation_sum', 'kind="contacts.list"')).toBe(
      keap.byOperation.listContacts,
    );
    expect(
      sample('keap_calls_per_conversation_bucket', 'le="1",kind="read"'),
    ).toBeGreaterThanOrEqual(all.length - ACCOUNTS);
    expect(sample('keap_calls_per_conversation_bucket', 'le="2",kind="write"')).toBe(all.length);
    expect(metrics.text).toMatch(/^keap_throttled_total 0$/m);

    console.warn(
      JSON.stringify({
        conversations: all.length,
        elapsedMs: Date.now() - t0,
        keapCalls: keap.total,
        worstOvertakingBeyondOwnQueue: worst,
        bigMedianFirstTextMs: bigMedian - t0,
        smallLastFirstTextMs:
          Math.max(...small.flatMap((a) => a.phones.map((p) => firstTextAt.get(p)!))) - t0,
      }),
    );
  }, 240_000);
});
