import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import type Redis from 'ioredis';
import { DatabaseHealth } from '../database/database-health';
import { schemaRef } from '../openapi/api-schemas';
import { REDIS } from '../redis/redis.module';

/** A dependency that answers slower than this is down as far as a load balancer cares. */
const READY_CHECK_TIMEOUT_MS = 2_000;

type Check = 'up' | 'down';
type Checks = { database: Check; redis: Check };

const CHECK_SCHEMA = { type: 'string', enum: ['up', 'down'] };
const READY_SCHEMA = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready'] },
    checks: {
      type: 'object',
      required: ['database', 'redis'],
      properties: { database: CHECK_SCHEMA, redis: CHECK_SCHEMA },
    },
  },
};

/** The error shape every answer of the API has, with which dependency is down. */
interface NotReady {
  error: { code: 'not_ready'; message: string; details: { checks: Checks } };
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseHealth,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Liveness: the process answers (restart it when it does not). */
  @Get()
  check(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: PostgreSQL and Redis answer. While either does not, the load balancer should send
   * Twilio elsewhere: a text this process cannot store is answered 5xx, and Twilio retries it.
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: whether PostgreSQL and Redis answer (for load balancers).' })
  @ApiResponse({ status: 200, description: 'PostgreSQL and Redis answer.', schema: READY_SCHEMA })
  @ApiResponse({
    status: 503,
    description:
      'PostgreSQL or Redis does not answer (not_ready): error.details.checks says which ("down").',
    schema: schemaRef('ErrorBody'),
  })
  async ready(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: 'ready'; checks: Checks } | NotReady> {
    const [database, redis] = await Promise.all([
      upWithin(this.database.ping()),
      upWithin(this.redis.ping()),
    ]);
    const checks = { database, redis };
    if (database === 'up' && redis === 'up') return { status: 'ready', checks };
    res.status(503);
    const down = [database === 'down' && 'PostgreSQL', redis === 'down' && 'Redis'].filter(Boolean);
    return {
      error: {
        code: 'not_ready',
        message: `Not ready: ${down.join(' and ')} ${down.length > 1 ? 'do' : 'does'} not answer. Texts Twilio sends meanwhile are retried or fetched back later.`,
        details: { checks },
      },
    };
  }
}

/** Redis queues commands while it reconnects and a pool may wait for a connection: bound both. */
async function upWithin(check: Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Check>((resolve) => {
    timer = setTimeout(() => resolve('down'), READY_CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.then((): Check => 'up'), timeout]);
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
