import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { readsAndWrites } from '../../src/keap/budget/keap-call-kinds';
import { RedisKeapBudget } from '../../src/keap/budget/redis-keap-budget';
import { SessionStore } from '../../src/session/session.store';
import { aKeapContact, aPhone } from '../runtime/builders';
import {
  eventually,
  startRuntime,
  whenIdle,
  type RuntimeHarness,
} from '../runtime/runtime-harness';
import { startTestApp } from '../support/test-app';
import { aCampaignCustomer } from './budget-builders';

/**
 * Real conversations through the shared Keap budget: two app instances (HTTP + workers each) in
 * this one Node process (separate Nest apps, Redis connections and budgets; the separate
 * PROCESSES are in multi-process.e2e-spec.ts) on one database and Redis, the sandbox's Keap quota set low, six accounts (one Keap tenant each): one
 * fires a big campaign burst of HTTP-Post starts, the others a few each.
 *
 * Fairness measure ("bounded overtaking"): for every Keap call of a small account, count the big
 * account's calls of the same priority granted while it waited. Round-robin between accounts allows at most one per
 * round, i.e. at most (the small account's own calls queued ahead of it + 1). First come, first
 * served would let the whole burst (dozens of calls) overtake it. We measure in the processes, not
 * in Redis: the ask is stamped a tick before the call is queued and the grant when its message
 * reaches the process, which can count one more call of the big account at each end.
 */
const MEASURE_NOISE = 2;
const PER_SECOND = 6;
const PER_MINUTE = 300;
const BIG = 36;
const SMALL = 4;
const SMALL_ACCOUNTS = 5;

interface Grant {
  accountId: string;
  kind: string;
  priority: string;
  askedAt: number;
  grantedAt: number;
  seq: number;
}

describe('keap budget: real conversations share one budget fairly, no 429', () => {
  let h: RuntimeHarness;
  let second: { app: INestApplication; url: string };
  const grants: Grant[] = [];
  let seq = 0;
  const accounts: {
    accountId: string;
    tenantId: string;
    tool: { toolId: string; secret: string };
    tagId: number;
    number: string;
    phones: string[];
  }[] = [];

  /** Logs every grant of an instance's budget (ask time, grant time, order), for the fairness measure. */
  const recordGrants = (app: INestApplication): void => {
    const budget = app.get(RedisKeapBudget);
    const acquire = budget.acquire.bind(budget);
    jest.spyOn(budget, 'acquire').mockImplementation(async (ctx) => {
      const askedAt = performance.timeOrigin + performance.now();
      const grant = await acquire(ctx);
      grants.push({
        accountId: ctx.accountId,
        kind: ctx.kind,
        priority: ctx.priority,
        askedAt,
        grantedAt: performance.timeOrigin + performance.now(),
        seq: seq++,
      });
      return grant;
    });
  };

  beforeAll(async () => {
    const budgetEnv = {
      KEAP_BUDGET_PER_SECOND: String(PER_SECOND),
      KEAP_BUDGET_PER_MINUTE: String(PER_MINUTE),
      METRICS_ENABLED: 'true',
    };
    h = await startRuntime(budgetEnv);
    second = await h.anotherInstance();
    await request(h.sandboxUrl)
      .put('/sandbox/keap/quotas')
      .send({ appPerSecond: PER_SECOND, appPerMinute: PER_MINUTE })
      .expect(200);
    recordGrants(h.t.app);
    recordGrants(second.app);

    for (let i = 0; i < 1 + SMALL_ACCOUNTS; i++) {
      const tenantId = `budget${i}`;
      accounts.push({ ...(await aCampaignCustomer(h, tenantId, `Campaign ${i}`)), phones: [] });
    }
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('runs every conversation to its end within the targets, without a 429, and does not starve the small accounts', async () => {
    const big = accounts[0]!;
    const small = accounts.slice(1);
    // Contacts first, then every start at once: the big burst and the small ones arrive together.
    const starts: { account: (typeof accounts)[number]; contactId: number; phone: string }[] = [];
    for (const account of accounts) {
      for (let n = 0; n < (account === big ? BIG : SMALL); n++) {
        const phone = aPhone();
        account.phones.push(phone);
        starts.push({
          account,
          phone,
          contactId: aKeapContact(h.sandbox, { firstName: `C${n}`, phone }, account.tenantId),
        });
      }
    }
    const servers = [h.t.app.getHttpServer(), second.app.getHttpServer()];
    const t0 = Date.now();
    await Promise.all(
      starts.map(({ account, contactId }, i) =>
        request(servers[i % 2])
          .post(`/hooks/tools/${account.tool.toolId}/${account.tool.secret}`)
          .type('form')
          .send({ contactId: String(contactId) })
          .expect(202),
      ),
    );

    // Each contact answers its first text once; every conversation must reach its end.
    const replied = new Set<string>();
    const all = accounts.flatMap((a) => a.phones);
    await eventually(
      async () => {
        for (const account of accounts) {
          for (const phone of account.phones) {
            if (!replied.has(phone) && h.textsTo(phone).length >= 1) {
              replied.add(phone);
              await h.text(phone, 'Blue, of course', { to: account.number });
            }
          }
        }
        const [{ open, n }] = await h.ds.query(
          `SELECT count(*) FILTER (WHERE ended_at IS NULL)::int AS open, count(*)::int AS n FROM conversations`,
        );
        return n === all.length && open === 0 && replied.size === all.length;
      },
      'every conversation to end',
      150_000,
    ).catch(async (err: Error) => {
      // Say where it stood: which conversations are stuck, what Keap and the budget saw.
      const state = await h.ds.query(
        `SELECT account_id, status, current_step_id, count(*)::int AS n FROM conversations GROUP BY 1, 2, 3`,
      );
      const outbox = await h.ds
        .query(
          `SELECT kind, count(*)::int AS n, max(attempts) AS attempts, max(last_error) AS error FROM outbox WHERE done_at IS NULL GROUP BY kind`,
        )
        .catch((e: Error) => e.message);
      throw new Error(
        `${err.message}\n${JSON.stringify({ replied: replied.size, of: all.length, state, outbox, keap: h.sandbox.keap.callCounts(), budget: await h.t.app.get(RedisKeapBudget).getReport() }, null, 1)}`,
      );
    });
    // The field saves and tags of the last replies run after the conversation ended.
    await whenIdle(h, 60_000);
    const elapsed = Date.now() - t0;

    // 1. Keap never answered 429: the budget held every process under the quota.
    const keapCalls = h.sandbox.keap.callCounts();
    expect(keapCalls.throttled).toBe(0);

    // 2. Every conversation finished, with the texts it should have.
    for (const phone of all)
      expect(h.textsTo(phone)).toEqual([expect.stringMatching(/^Hi C\d+, favourite colour\?$/)]);
    const rows: {
      account_id: string;
      status: string;
      keap_calls: Record<string, number>;
      replies: number;
      ended_at: Date;
    }[] = await h.ds.query(
      `SELECT c.account_id, c.status, c.keap_calls, c.ended_at,
              (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in') AS replies
         FROM conversations c`,
    );
    expect(rows).toHaveLength(all.length);

    // 3. Keap calls per conversation within target: the contact read once per start, at most 2
    // writes per reply. The field model is the account's, cached for all processes; a conversation
    // that starts before it is cached reads it too (at most once).
    for (const row of rows) {
      const { 'contacts.model': model = 0, ...rest } = row.keap_calls;
      const { reads, writes } = readsAndWrites(rest);
      expect(row.replies).toBe(1);
      expect(reads).toBeLessThanOrEqual(1);
      expect(model).toBeLessThanOrEqual(1);
      expect(writes).toBeLessThanOrEqual(2 * row.replies);
      expect(row.keap_calls['contacts.update']).toBe(1);
      // Tags applied close together go as one call, counted on one of the conversations it served.
      expect(row.keap_calls['tags.apply'] ?? 0).toBeLessThanOrEqual(1);
    }
    const tagCalls = rows.reduce((sum, r) => sum + (r.keap_calls['tags.apply'] ?? 0), 0);
    expect(tagCalls).toBe(keapCalls.byOperation['applyTags']);
    // The field model is read once per account, not once per concurrent start (nothing fetched twice).
    for (const account of accounts) {
      const modelReads = rows
        .filter((r) => r.account_id === account.accountId)
        .reduce((sum, r) => sum + (r.keap_calls['contacts.model'] ?? 0), 0);
      expect(modelReads).toBeLessThanOrEqual(1);
      expect(keapCalls.byTenant[account.tenantId]?.retrieveContactModel ?? 0).toBe(modelReads);
    }
    // ...and the tallies account for what Keap saw: nothing was called outside a conversation.
    const tallied = rows.reduce(
      (sum, r) => sum + Object.values(r.keap_calls).reduce((a, b) => a + b, 0),
      0,
    );
    expect(keapCalls.total).toBe(tallied);
    // Every call went through the budget of one of the two instances.
    expect(grants).toHaveLength(tallied);
    expect(new Set(grants.map((g) => g.accountId))).toEqual(
      new Set(accounts.map((a) => a.accountId)),
    );

    // 4. Fairness: bounded overtaking for every call of every small account.
    const smallIds = new Set(small.map((a) => a.accountId));
    let worst = 0;
    for (const g of grants.filter((x) => smallIds.has(x.accountId))) {
      // Same priority only: interactive work of any account goes ahead of background work by design.
      const sameLane = (x: Grant) =>
        x.priority === g.priority && x.seq < g.seq && x.grantedAt > g.askedAt;
      const bigDuring = grants.filter((x) => x.accountId === big.accountId && sameLane(x)).length;
      const ownAhead = grants.filter(
        (x) => x.accountId === g.accountId && x.askedAt < g.askedAt && sameLane(x),
      ).length;
      worst = Math.max(worst, bigDuring - ownAhead);
      expect(bigDuring).toBeLessThanOrEqual(ownAhead + 1 + MEASURE_NOISE);
    }
    // The small accounts' Keap work was done before the burst's: each one's last call was granted
    // before the big account's last. (Measured on the calls, not on when the conversations ended:
    // the starts' contact reads go in batches, a few calls for the whole burst, so the texts go
    // out, and the contacts answer, about as soon for every account; the burst's backlog is its
    // field saves, tags and notes. Not against its median call: its tags go in batches too, so
    // its calls are fewer than the small accounts' together and its median is not its backlog.)
    const grantTimesOf = (accountId: string) =>
      grants
        .filter((g) => g.accountId === accountId)
        .map((g) => g.grantedAt)
        .sort((a, b) => a - b);
    const bigGrants = grantTimesOf(big.accountId);
    const bigMedian = bigGrants[Math.floor(bigGrants.length / 2)]!;
    const bigLast = bigGrants[bigGrants.length - 1]!;
    for (const a of small) expect(Math.max(...grantTimesOf(a.accountId))).toBeLessThan(bigLast);

    // 5. The report each account sees: its own numbers only.
    const sessions = h.t.app.get(SessionStore);
    const asAccount = async (accountId: string) => {
      const { id } = await sessions.create(accountId);
      return request(h.t.app.getHttpServer())
        .get('/api/keap/budget')
        .set('Cookie', `sms_session=${id}`)
        .expect(200);
    };
    const bigReport = (await asAccount(big.accountId)).body as BudgetBody;
    const smallReport = (await asAccount(small[0]!.accountId)).body as BudgetBody;
    const granted = (accountId: string) => grants.filter((g) => g.accountId === accountId).length;
    expect(bigReport.account.total).toBe(granted(big.accountId));
    expect(smallReport.account.total).toBe(granted(small[0]!.accountId));
    expect(bigReport.perConversation.conversations).toBe(BIG);
    expect(smallReport.perConversation.conversations).toBe(SMALL);
    // reads = the contact, plus the account's field model for a conversation that started before it was cached
    expect(smallReport.perConversation.reads.max).toBeLessThanOrEqual(2);
    expect(smallReport.perConversation.byKind['contacts.model']?.max ?? 0).toBeLessThanOrEqual(1);
    expect(smallReport.perConversation.writes.max).toBeLessThanOrEqual(2);
    // Its starts' contacts read in batches: one list call counted on one of the conversations
    // each batch started, so at most 1 on any conversation and at most 1 on average.
    expect(smallReport.perConversation.byKind['contacts.list']).toEqual({
      average: expect.any(Number),
      max: 1,
    });
    expect(smallReport.perConversation.byKind['contacts.list']!.average).toBeLessThanOrEqual(1);
    expect(smallReport.app.second.limit).toBe(PER_SECOND);
    expect(smallReport.app.minute).toEqual({
      limit: PER_MINUTE,
      used: expect.any(Number),
      left: expect.any(Number),
    });
    for (const other of accounts.filter((a) => a.accountId !== small[0]!.accountId)) {
      expect(JSON.stringify(smallReport)).not.toContain(other.accountId);
    }

    // 6. Metrics: the same budget, deployment-wide, no account ids.
    const metrics = await request(h.t.app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/^keap_budget_left\{window="minute"\} \d+$/m);
    expect(metrics.text).toMatch(/^keap_budget_waiting\{priority="interactive"\} 0$/m);
    expect(metrics.text).toMatch(/^keap_throttled_total 0$/m);
    const listCalls = Number(
      /^keap_calls_total\{kind="contacts.list"\} (\d+)$/m.exec(metrics.text)?.[1],
    );
    expect(listCalls).toBe(grants.filter((g) => g.kind === 'contacts.list').length);
    for (const a of accounts) expect(metrics.text).not.toContain(a.accountId);

    // The measures behind the assertions, for whoever reads the test log.
    console.warn(
      JSON.stringify({
        conversations: all.length,
        elapsedMs: elapsed,
        keapCalls: keapCalls.total,
        callsPerConversation: tallied / all.length,
        worstOvertakingBeyondOwnQueue: worst,
        smallLastCallMs: small.map((a) => Math.max(...grantTimesOf(a.accountId)) - t0),
        bigMedianCallMs: bigMedian - t0,
        bigLastCallMs: bigGrants[bigGrants.length - 1]! - t0,
      }),
    );
  }, 240_000);

  it('answers 401 without a session', async () => {
    await request(h.t.app.getHttpServer()).get('/api/keap/budget').expect(401);
  });
});

describe('GET /metrics', () => {
  it('is not served unless METRICS_ENABLED=true', async () => {
    const t = await startTestApp();
    try {
      await request(t.app.getHttpServer()).get('/metrics').expect(404);
    } finally {
      await t.close();
    }
  });
});

interface Window {
  limit: number;
  used: number;
  left: number;
}
interface PerConversation {
  average: number;
  max: number;
}
interface BudgetBody {
  app: { second: Window; minute: Window; day: Window; pausedForMs: number };
  account: { total: number; calls: Record<string, number> };
  perConversation: {
    conversations: number;
    reads: PerConversation;
    writes: PerConversation;
    byKind: Record<string, PerConversation>;
  };
}
