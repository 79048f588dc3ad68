import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram, type Registry } from 'prom-client';

type Middleware<Req extends IncomingMessage> = (
  req: Req,
  res: ServerResponse,
  next: () => void,
) => void;

/** Webhooks are answered in milliseconds; the upper buckets are for a slow database. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Error answers are a small JSON body; anything bigger is not one to read a code from. */
const MAX_ERROR_BODY_BYTES = 4096;

/**
 * Wraps a webhook middleware (mounted ahead of Nest, so no interceptor sees it) to count its
 * answers by route and status, time them, and count refusals by the error code it answered with
 * (`{ error: { code } }`, as every error answer of the API). Only requests it answers itself are
 * observed; the ones it passes on are not webhooks. Per process: sum() across instances.
 */
export function observeWebhooks<Req extends IncomingMessage>(
  registry: Registry,
  middleware: Middleware<Req>,
): Middleware<Req> {
  const requests = new Counter({
    name: 'sms_webhook_requests_total',
    help: 'Webhook requests answered, by route and HTTP status',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'sms_webhook_duration_seconds',
    help: 'Time from a webhook request to its answer, by route',
    labelNames: ['route'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'sms_webhook_refusals_total',
    help: 'Webhook requests refused (4xx), by route and reason (the error code answered)',
    labelNames: ['route', 'reason'],
    registers: [registry],
  });
  return (req, res, next) => {
    const stopTimer = duration.startTimer();
    const route = routeOf(req.url ?? '');
    let reason: string | null = null;
    let passedOn = false;
    // The answer's body is read on its way out: the middleware reports its refusals no other way.
    const end = res.end;
    res.end = function (this: ServerResponse, ...args: unknown[]) {
      if (res.statusCode >= 400) reason = errorCodeOf(args[0]);
      return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['end'];
    res.once('finish', () => {
      if (passedOn) return;
      stopTimer({ route });
      requests.inc({ route, status: String(res.statusCode) });
      if (res.statusCode >= 400 && res.statusCode < 500)
        refusals.inc({ route, reason: reason ?? `http_${res.statusCode}` });
    });
    middleware(req, res, () => {
      passedOn = true;
      res.end = end;
      next();
    });
  };
}

/** `/sms?x=1` → `sms`: the path under the middleware's mount. */
function routeOf(url: string): string {
  return url.split('?', 1)[0]!.replace(/^\/+|\/+$/g, '') || '/';
}

function errorCodeOf(chunk: unknown): string | null {
  if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return null;
  if (chunk.length > MAX_ERROR_BODY_BYTES) return null;
  try {
    const body = JSON.parse(chunk.toString()) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? body.error.code : null;
  } catch {
    return null;
  }
}
