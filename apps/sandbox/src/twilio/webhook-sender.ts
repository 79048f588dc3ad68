import { randomUUID } from 'node:crypto';
import twilio from 'twilio';

export interface WebhookDelivery {
  kind: 'inbound' | 'status-callback';
  /** The URL as configured (with Twilio's connection overrides, if any). */
  url: string;
  params: Record<string, string>;
  signature: string;
  /** HTTP status the receiver last answered, or null when it could not be reached. */
  responseStatus: number | null;
  responseBody?: string;
  error?: string;
  /** Requests made: the first, the retries the overrides asked for, and the fallback's. */
  attempts: number;
  /** Whether the last request went to the fallback URL (every try at `url` had failed). */
  fellBack: boolean;
  at: string;
}

/**
 * Twilio's connection overrides, read from a webhook URL's fragment (`#rc=5&rp=all&tt=10000`):
 * "Webhooks (HTTP callbacks): Connection Overrides" on twilio.com. Twilio's defaults where absent.
 */
export interface ConnectionOverrides {
  /** Retries after the first request (0-5; default 1). */
  retryCount: number;
  /** What is retried: `4xx`, `5xx`, `ct` (no connection), `rt` (no answer in time), `all`. */
  retryPolicy: Set<string>;
  /** Read timeout of each request, ms (100-15000; default 15000). */
  readTimeoutMs: number;
  /** All requests to this URL, retries included, ms (100-15000; default 15000). */
  totalTimeMs: number;
}

export function connectionOverridesOf(url: string): ConnectionOverrides {
  const hash = url.indexOf('#');
  const fragment = new URLSearchParams(hash < 0 ? '' : url.slice(hash + 1));
  const int = (name: string, min: number, max: number, fallback: number) => {
    const value = Number(fragment.get(name));
    return fragment.has(name) && Number.isInteger(value)
      ? Math.min(max, Math.max(min, value))
      : fallback;
  };
  return {
    retryCount: int('rc', 0, 5, 1),
    retryPolicy: new Set((fragment.get('rp') ?? 'ct,rt').split(',').map((p) => p.trim())),
    readTimeoutMs: int('rt', 100, 15_000, 15_000),
    totalTimeMs: int('tt', 100, 15_000, 15_000),
  };
}

/** The URL Twilio requests and signs: the fragment is its settings, never sent. */
export function requestedUrl(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

interface Attempt {
  status: number | null;
  body?: string;
  error?: string;
  /** What kind of failure, as the retry policy names them; null: answered 2xx/3xx. */
  failure: '4xx' | '5xx' | 'ct' | 'rt' | null;
}

/**
 * Posts webhooks as Twilio does: form-encoded, signed with X-Twilio-Signature over the URL
 * requested (computed by the SDK's own helper, so the signature is Twilio's algorithm, not ours),
 * with Twilio's idempotency token header. A URL's connection overrides are honoured: a failed
 * request is retried as its `rc`/`rp` ask, `retryDelayMs` apart, within `tt`; then the fallback
 * URL, if any, is tried the same way. Keeps a log of every delivery.
 */
export class WebhookSender {
  deliveries: WebhookDelivery[] = [];
  /** Wait between a failed request and its retry (Twilio does not document its own). */
  retryDelayMs = 500;
  private inFlight = new Set<Promise<unknown>>();

  clear(): void {
    this.deliveries = [];
  }

  async send(input: {
    kind: WebhookDelivery['kind'];
    url: string;
    /** Inbound texts: where Twilio posts when every try at `url` failed (SmsFallbackUrl). */
    fallbackUrl?: string | null;
    authToken: string;
    params: Record<string, string>;
  }): Promise<WebhookDelivery> {
    const signature = twilio.getExpectedTwilioSignature(
      input.authToken,
      requestedUrl(input.url),
      input.params,
    );
    const delivery: WebhookDelivery = {
      kind: input.kind,
      url: input.url,
      params: input.params,
      signature,
      responseStatus: null,
      attempts: 0,
      fellBack: false,
      at: new Date().toISOString(),
    };
    const work = (async () => {
      let last = await this.deliver(input.url, input.authToken, input.params, delivery);
      if (last.failure && input.fallbackUrl) {
        delivery.fellBack = true;
        last = await this.deliver(input.fallbackUrl, input.authToken, input.params, delivery);
      }
      delivery.responseStatus = last.status;
      if (last.body !== undefined) delivery.responseBody = last.body;
      if (last.error !== undefined) delivery.error = last.error;
    })();
    this.track(work);
    await work;
    this.deliveries.push(delivery);
    return delivery;
  }

  /** One URL: the first request and the retries its overrides allow; the last outcome. */
  private async deliver(
    url: string,
    authToken: string,
    params: Record<string, string>,
    delivery: WebhookDelivery,
  ): Promise<Attempt> {
    const overrides = connectionOverridesOf(url);
    const target = requestedUrl(url);
    const signature = twilio.getExpectedTwilioSignature(authToken, target, params);
    const deadline = Date.now() + overrides.totalTimeMs;
    for (let retriesLeft = overrides.retryCount; ; retriesLeft -= 1) {
      delivery.attempts += 1;
      const attempt = await this.post(
        target,
        signature,
        params,
        Math.max(1, Math.min(overrides.readTimeoutMs, deadline - Date.now())),
      );
      const retried =
        attempt.failure !== null &&
        (overrides.retryPolicy.has('all') || overrides.retryPolicy.has(attempt.failure));
      if (!retried || retriesLeft <= 0 || Date.now() + this.retryDelayMs >= deadline)
        return attempt;
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
    }
  }

  private async post(
    url: string,
    signature: string,
    params: Record<string, string>,
    timeoutMs: number,
  ): Promise<Attempt> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
          'X-Twilio-Signature': signature,
          'I-Twilio-Idempotency-Token': randomUUID(),
          'User-Agent': 'TwilioProxy/1.1',
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await res.text();
      const failure = res.status >= 500 ? '5xx' : res.status >= 400 ? '4xx' : null;
      return { status: res.status, body, failure };
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      return {
        status: null,
        error: err instanceof Error ? err.message : String(err),
        failure: timedOut ? 'rt' : 'ct',
      };
    }
  }

  track(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
