import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TwilioConnectionService, type WebhookAuth } from '../connection/twilio-connection.service';

interface CachedAuth extends WebhookAuth {
  readAt: number;
}

/**
 * A connection change made in another process is seen within this long (a rotated auth token, a
 * removed connection); one made in this process at once (onForget).
 */
const CACHE_MS = 30_000;
/** AccountSids no account has, remembered as long (at most this many: a spray of made-up ones evicts its own). */
const MAX_UNKNOWN = 10_000;

/**
 * Which account a Twilio webhook belongs to (by AccountSid) and the token that signs it. Kept in
 * memory for a few seconds: the inbound webhook answers thousands of texts a second and must not
 * open a sealed secret for each one. Nothing here matters across processes (each has its own).
 */
@Injectable()
export class TwilioWebhookAuth implements OnModuleInit {
  private readonly cache = new Map<string, CachedAuth>();
  /** AccountSid → when it was found to be no account's: repeats cost no database query. */
  private readonly unknown = new Map<string, number>();
  private readonly rereading = new Map<string, Promise<WebhookAuth | null>>();
  /** Bumped when the account SID's connection changes here: a read begun before is not kept. */
  private readonly changes = new Map<string, number>();

  constructor(private readonly connections: TwilioConnectionService) {}

  onModuleInit(): void {
    this.connections.onForget((accountSid) => {
      this.changes.set(accountSid, (this.changes.get(accountSid) ?? 0) + 1);
      this.cache.delete(accountSid);
      this.unknown.delete(accountSid);
    });
  }

  async forAccountSid(accountSid: string | undefined): Promise<WebhookAuth | null> {
    if (!accountSid) return null;
    const hit = this.cache.get(accountSid);
    if (hit && hit.readAt + CACHE_MS > Date.now()) return hit;
    const missedAt = this.unknown.get(accountSid);
    if (missedAt !== undefined && missedAt + CACHE_MS > Date.now()) return null;
    return this.read(accountSid);
  }

  /**
   * After a signature failed with `stale`: the token as stored now if it changed since it was
   * read (new credentials saved here or in another process), else null. Concurrent failures of
   * one account share one read; a refused webhook costs one indexed read, as an unknown
   * AccountSid does.
   */
  async reread(accountSid: string, stale: WebhookAuth): Promise<WebhookAuth | null> {
    let reading = this.rereading.get(accountSid);
    if (!reading) {
      reading = this.read(accountSid).finally(() => this.rereading.delete(accountSid));
      this.rereading.set(accountSid, reading);
    }
    const fresh = await reading;
    return fresh && fresh.authTokenSealed !== stale.authTokenSealed ? fresh : null;
  }

  private async read(accountSid: string): Promise<WebhookAuth | null> {
    const change = this.changes.get(accountSid);
    const auth = await this.connections.webhookAuthFor(accountSid);
    if (this.changes.get(accountSid) !== change) return auth;
    if (!auth) {
      this.cache.delete(accountSid);
      this.rememberUnknown(accountSid);
      return null;
    }
    this.unknown.delete(accountSid);
    this.cache.set(accountSid, { ...auth, readAt: Date.now() });
    return auth;
  }

  private rememberUnknown(accountSid: string): void {
    this.unknown.delete(accountSid);
    if (this.unknown.size >= MAX_UNKNOWN) {
      const oldest = this.unknown.keys().next().value;
      if (oldest !== undefined) this.unknown.delete(oldest);
    }
    this.unknown.set(accountSid, Date.now());
  }
}
