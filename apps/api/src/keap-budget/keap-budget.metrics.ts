import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { RedisKeapBudget } from './redis-keap-budget';

export const METRICS_PATH = '/metrics';

/**
 * The Keap budget in Prometheus text format. Every value is read from the shared state in Redis at
 * scrape time, so it covers the whole deployment (API and worker processes alike) and every API
 * process answers the same numbers: scrape one, or take max() across instances, never sum().
 * No account ids or secrets in labels.
 */
export function keapBudgetRegistry(budget: RedisKeapBudget): Registry {
  const registry = new Registry();
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
 * Serves GET /metrics, unauthenticated, only when METRICS_ENABLED=true (keep it on an internal
 * network). Registered on the HTTP adapter directly: outside the /api prefix and the OpenAPI docs.
 */
@Injectable()
export class KeapBudgetMetrics implements OnModuleInit {
  constructor(
    private readonly budget: RedisKeapBudget,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter as
      { get?: (path: string, handler: (req: Request, res: Response) => void) => void } | undefined;
    // The worker runs without HTTP: nothing to serve there.
    if (!this.config.METRICS_ENABLED || !http?.get) return;
    const registry = keapBudgetRegistry(this.budget);
    http.get(METRICS_PATH, (_req, res) => {
      registry
        .metrics()
        .then((text) => res.status(200).type(registry.contentType).send(text))
        .catch(() => res.status(503).type('text/plain').send('keap budget metrics unavailable\n'));
    });
  }
}
