import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, type Metric, Registry } from 'prom-client';
import { RedisKeapBudget } from './redis-keap-budget';

/** Upper bounds of the calls-per-conversation buckets (+Inf is added). */
export const CALLS_PER_CONVERSATION_BUCKETS = [0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50];

/** One kind's distribution: `counts[n]` conversations made exactly n calls of it. */
export interface KeapCallsDistribution {
  kind: string;
  counts: Map<number, number>;
  sum: number;
}

/** Where the `keap_calls_per_conversation` histogram's observations are read. */
export interface KeapCallsDistributions {
  distributions(): Promise<KeapCallsDistribution[]>;
}

/**
 * The `keap_calls_per_conversation` histogram's source. Conversations are the runtime's, so the
 * runtime tallies them and registers its reader here (`readFrom`); the budget knows none of it.
 * Until a reader is registered the histogram has no observations.
 */
@Injectable()
export class KeapCallsHistogram implements KeapCallsDistributions {
  private read: (() => Promise<KeapCallsDistribution[]>) | null = null;

  readFrom(read: () => Promise<KeapCallsDistribution[]>): void {
    this.read = read;
  }

  distributions(): Promise<KeapCallsDistribution[]> {
    return this.read ? this.read() : Promise.resolve([]);
  }
}

/**
 * The Keap budget in Prometheus text format. Every value is read from the shared state in Redis at
 * scrape time, so it covers the whole deployment (API and worker processes alike) and every API
 * process answers the same numbers: scrape one, or take max() across instances, never sum().
 * No account ids or secrets in labels.
 */
export function keapBudgetRegistry(
  budget: RedisKeapBudget,
  perConversation?: KeapCallsDistributions,
  registry = new Registry(),
): Registry {
  if (perConversation) registry.registerMetric(callsPerConversationMetric(perConversation));
  let snapshot: ReturnType<RedisKeapBudget['getReport']> | undefined;
  // One Redis round trip per scrape, shared by every metric below.
  const report = () =>
    (snapshot ??= budget.getReport().finally(() => setImmediate(() => (snapshot = undefined))));

  new Gauge({
    name: 'keap_budget_left',
    help: 'Keap API calls left for the whole app in the window (sliding second and minute, UTC day)',
    labelNames: ['window'],
    registers: [registry],
    async collect() {
      const r = await report();
      for (const w of ['second', 'minute', 'day'] as const) this.set({ window: w }, r[w].left);
    },
  });
  new Gauge({
    name: 'keap_budget_limit',
    help: "Keap API calls allowed for the whole app in the window (configured, or Keap's own header if lower)",
    labelNames: ['window'],
    registers: [registry],
    async collect() {
      const r = await report();
      for (const w of ['second', 'minute', 'day'] as const) this.set({ window: w }, r[w].limit);
    },
  });
  new Gauge({
    name: 'keap_budget_paused',
    help: '1 while every process holds back after a 429 from Keap',
    registers: [registry],
    async collect() {
      this.set((await report()).pausedForMs > 0 ? 1 : 0);
    },
  });
  new Gauge({
    name: 'keap_budget_pause_remaining_seconds',
    help: 'Time left of the shared pause after a 429',
    registers: [registry],
    async collect() {
      this.set((await report()).pausedForMs / 1000);
    },
  });
  new Gauge({
    name: 'keap_budget_extra_guard_seconds',
    help: 'Extra guard the limiter learned from 429s it did not see coming (0 when calm)',
    registers: [registry],
    async collect() {
      this.set((await report()).extraGuardMs / 1000);
    },
  });
  new Gauge({
    name: 'keap_budget_waiting',
    help: 'Keap calls queued for budget right now, by priority',
    labelNames: ['priority'],
    registers: [registry],
    async collect() {
      const r = await report();
      this.set({ priority: 'interactive' }, r.waiting.interactive);
      this.set({ priority: 'background' }, r.waiting.background);
    },
  });
  new Counter({
    name: 'keap_calls_total',
    help: 'Keap API calls granted by the budget, by kind (deployment-wide running total)',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const r = await report();
      this.reset();
      for (const [kind, n] of Object.entries(r.totals.calls)) this.inc({ kind }, n);
    },
  });
  new Counter({
    name: 'keap_throttled_total',
    help: 'HTTP 429 answers from Keap (deployment-wide running total)',
    registers: [registry],
    async collect() {
      const r = await report();
      this.reset();
      this.inc(r.totals.throttled);
    },
  });
  return registry;
}

/**
 * `keap_calls_per_conversation{kind}`: a histogram whose observations live in Redis (see
 * conversations/keap-calls-per-conversation.ts), so it is built at scrape time rather than with
 * prom-client's in-process Histogram.
 */
function callsPerConversationMetric(tally: KeapCallsDistributions): Metric {
  const name = 'keap_calls_per_conversation';
  const help =
    'Keap API calls one conversation made, by kind (or read/write totals), observed once its Keap work after the end is done';
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'max',
    async get() {
      const values: {
        metricName: string;
        labels: Record<string, string | number>;
        value: number;
      }[] = [];
      for (const d of await tally.distributions()) {
        const observed = [...d.counts];
        const count = observed.reduce((sum, [, n]) => sum + n, 0);
        for (const le of CALLS_PER_CONVERSATION_BUCKETS) {
          const inBucket = observed.reduce((sum, [v, n]) => (v <= le ? sum + n : sum), 0);
          values.push({
            metricName: `${name}_bucket`,
            labels: { le, kind: d.kind },
            value: inBucket,
          });
        }
        values.push({
          metricName: `${name}_bucket`,
          labels: { le: '+Inf', kind: d.kind },
          value: count,
        });
        values.push({ metricName: `${name}_sum`, labels: { kind: d.kind }, value: d.sum });
        values.push({ metricName: `${name}_count`, labels: { kind: d.kind }, value: count });
      }
      return { name, help, type: 'histogram', aggregator: 'max', values };
    },
    reset() {},
  };
  return metric as unknown as Metric;
}

/** Adds the Keap budget's metrics to the process's registry, served at GET /metrics (metrics/). */
@Injectable()
export class KeapBudgetMetrics implements OnModuleInit {
  constructor(
    private readonly budget: RedisKeapBudget,
    private readonly registry: Registry,
    private readonly perConversation: KeapCallsHistogram,
  ) {}

  onModuleInit(): void {
    keapBudgetRegistry(this.budget, this.perConversation, this.registry);
  }
}
