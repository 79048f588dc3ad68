import { Injectable } from '@nestjs/common';
import { TwilioConnectionService } from '../twilio-connection/twilio-connection.service';

interface CachedAuth {
  accountId: string;
  authToken: string;
  until: number;
}

/** A connection change is seen within this long (a rotated auth token, a removed connection). */
const CACHE_MS = 30_000;

/**
 * Which account a Twilio webhook belongs to (by AccountSid) and the token that signs it. Kept in
 * memory for a few seconds: the inbound webhook answers thousands of texts a second and must not
 * open a sealed secret for each one. Nothing here matters across processes (each has its own).
 */
@Injectable()
export class TwilioWebhookAuth {
  private readonly cache = new Map<string, CachedAuth>();

  constructor(private readonly connections: TwilioConnectionService) {}

  async forAccountSid(
    accountSid: string | undefined,
  ): Promise<{ accountId: string; authToken: string } | null> {
    if (!accountSid) return null;
    const hit = this.cache.get(accountSid);
    if (hit && hit.until > Date.now()) return hit;
    const [accountId, authToken] = await Promise.all([
      this.connections.accountIdForAccountSid(accountSid),
      this.connections.authTokenForAccountSid(accountSid),
    ]);
    if (!accountId || !authToken) {
      this.cache.delete(accountSid);
      return null;
    }
    const entry = { accountId, authToken, until: Date.now() + CACHE_MS };
    this.cache.set(accountSid, entry);
    return entry;
  }
}
