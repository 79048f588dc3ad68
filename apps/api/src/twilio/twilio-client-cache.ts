import { createHash } from 'node:crypto';
import type twilio from 'twilio';

/** An account's Twilio credentials: the auth token, or an API key and its secret. */
export type TwilioCredentials =
  | { accountSid: string; authToken: string }
  | { accountSid: string; apiKeySid: string; apiKeySecret: string };

/**
 * One SDK client per Twilio account and credential version. A client owns its HTTP agent, whose
 * keep-alive connections only help when the client lives on: made per send, every text of a
 * burst would open its own TLS connection. A client serves the credentials it was made with;
 * other credentials for the account (saved by another process, or being checked) take the slot
 * with a new client, and `forget` empties it when the account's credentials are saved again or
 * removed.
 */
export class TwilioClientCache<Client = twilio.Twilio> {
  private readonly clients = new Map<string, { version: string; client: Client }>();

  /** The client for these credentials: the one made before, else `make()`'s, kept from now on. */
  clientFor(credentials: TwilioCredentials, make: () => Client): Client {
    const version = credentialVersion(credentials);
    const kept = this.clients.get(credentials.accountSid);
    if (kept?.version === version) return kept.client;
    const client = make();
    this.clients.set(credentials.accountSid, { version, client });
    return client;
  }

  /** The account's credentials changed or were removed: the next gateway makes a new client. */
  forget(accountSid: string): void {
    this.clients.delete(accountSid);
  }
}

/** Tells credentials apart without keeping their secrets as keys (a digest, never logged). */
function credentialVersion(credentials: TwilioCredentials): string {
  const parts =
    'authToken' in credentials
      ? ['token', credentials.accountSid, credentials.authToken]
      : ['key', credentials.accountSid, credentials.apiKeySid, credentials.apiKeySecret];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}
