import { randomUUID } from 'node:crypto';
import twilio from 'twilio';

export interface WebhookDelivery {
  kind: 'inbound' | 'status-callback';
  url: string;
  params: Record<string, string>;
  signature: string;
  /** HTTP status the receiver answered, or null when it could not be reached. */
  responseStatus: number | null;
  responseBody?: string;
  error?: string;
  at: string;
}

/**
 * Posts webhooks as Twilio does: form-encoded, signed with X-Twilio-Signature over the exact URL
 * called (computed by the SDK's own helper, so the signature is Twilio's algorithm, not ours),
 * with Twilio's idempotency token header. Keeps a log of every delivery.
 */
export class WebhookSender {
  deliveries: WebhookDelivery[] = [];
  private inFlight = new Set<Promise<unknown>>();

  clear(): void {
    this.deliveries = [];
  }

  async send(input: {
    kind: WebhookDelivery['kind'];
    url: string;
    authToken: string;
    params: Record<string, string>;
  }): Promise<WebhookDelivery> {
    const signature = twilio.getExpectedTwilioSignature(input.authToken, input.url, input.params);
    const delivery: WebhookDelivery = {
      kind: input.kind,
      url: input.url,
      params: input.params,
      signature,
      responseStatus: null,
      at: new Date().toISOString(),
    };
    const attempt = (async () => {
      try {
        const res = await fetch(input.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
            'X-Twilio-Signature': signature,
            'I-Twilio-Idempotency-Token': randomUUID(),
            'User-Agent': 'TwilioProxy/1.1',
          },
          body: new URLSearchParams(input.params).toString(),
          // Twilio gives up on a webhook after 15 seconds.
          signal: AbortSignal.timeout(15_000),
        });
        delivery.responseStatus = res.status;
        delivery.responseBody = await res.text();
      } catch (err) {
        delivery.error = err instanceof Error ? err.message : String(err);
      }
    })();
    this.track(attempt);
    await attempt;
    this.deliveries.push(delivery);
    return delivery;
  }

  track(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
