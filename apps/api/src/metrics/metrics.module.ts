import { Global, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';
import type Redis from 'ioredis';
import { Registry } from 'prom-client';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { REDIS } from '../redis/redis.module';
import { SharedCounter, type SharedCounterSpec } from './shared-counter';

export const METRICS_PATH = '/metrics';

/** Makes the deployment-wide counters (SharedCounter) of this process's registry. */
@Injectable()
export class SharedCounters {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly registry: Registry,
  ) {}

  counter<L extends string>(spec: SharedCounterSpec<L>): SharedCounter<L> {
    return new SharedCounter(this.redis, this.registry, spec);
  }
}

/**
 * Serves the process's registry at GET /metrics, unauthenticated, only when METRICS_ENABLED=true
 * (keep it on an internal network). Registered on the HTTP adapter directly: outside the /api
 * prefix and the OpenAPI docs. The worker process has no HTTP listener: what it counts is kept in
 * Redis (SharedCounter) and the queues live there too, so the API's /metrics covers it.
 */
@Injectable()
export class MetricsEndpoint implements OnModuleInit {
  constructor(
    private readonly registry: Registry,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter as
      { get?: (path: string, handler: (req: Request, res: Response) => void) => void } | undefined;
    if (!this.config.METRICS_ENABLED || !http?.get) return;
    http.get(METRICS_PATH, (_req, res) => {
      this.registry
        .metrics()
        .then((text) => res.status(200).type(this.registry.contentType).send(text))
        .catch(() => res.status(503).type('text/plain').send('metrics unavailable\n'));
    });
  }
}

/**
 * One Prometheus registry per process (never prom-client's global one: tests run several apps in
 * one process). Features add their metrics to it (inject `Registry`, or `SharedCounters` for
 * counts made in the worker); global, imported once by CoreModule.
 */
@Global()
@Module({
  providers: [
    { provide: Registry, useFactory: () => new Registry() },
    SharedCounters,
    MetricsEndpoint,
  ],
  exports: [Registry, SharedCounters],
})
export class MetricsModule {}
