import { Inject, Injectable } from '@nestjs/common';
import { AccountRepository } from '../../accounts/account.repository';
import type { TwilioConnection } from '../../accounts/twilio-connection.entity';
import { SecretBox, sealedFor } from '../../crypto/secret-box';
import { SmsCredentialsRejectedError, type SmsGateway } from '../../ports/sms-gateway.port';
import { type TwilioCredentials, TwilioNotConnectedError } from './twilio-credentials';
import { rejectedCredentialsReason, watchCredentials } from './twilio-credential-health';

/**
 * Builds an SmsGateway for one set of Twilio credentials (the Twilio adapter's constructor).
 * `forget`: the Twilio account's credentials were saved again or removed; drop what is kept for it.
 */
export type SmsGatewayFactory = ((credentials: TwilioCredentials) => SmsGateway) & {
  forget?: (accountSid: string) => void;
};
export const SMS_GATEWAY_FACTORY = Symbol('SMS_GATEWAY_FACTORY');

/** What verifies a Twilio account's webhooks: the account it belongs to and its Auth Token. */
export interface WebhookAuth {
  accountId: string;
  authToken: string;
  /** The token as stored: which saved credentials these are (each seal is unique). */
  authTokenSealed: string;
}

/** Runs after an account's credentials were saved (never fails the save: it reports its own errors). */
export type CredentialsSavedListener = (accountId: string) => Promise<void>;

/** The account's Twilio connection: sealed credentials in, gateways and webhook-signing tokens out. */
@Injectable()
export class TwilioConnectionService {
  private readonly savedListeners: CredentialsSavedListener[] = [];
  private readonly forgetListeners: ((accountSid: string) => void)[] = [];

  constructor(
    private readonly accounts: AccountRepository,
    private readonly box: SecretBox,
    @Inject(SMS_GATEWAY_FACTORY) private readonly gatewayFactory: SmsGatewayFactory,
  ) {}

  /**
   * An SmsGateway that sends as the account; throws TwilioNotConnectedError when none is saved.
   * Every call made through it keeps the connection's health: Twilio refusing the credentials
   * (20003 / 401) marks them rejected, and a call it accepts after that marks them connected.
   */
  async gatewayFor(accountId: string): Promise<SmsGateway> {
    const row = await this.accounts.twilioConnectionOf(accountId);
    if (!row) throw new TwilioNotConnectedError(accountId);
    const credentials = this.open(row);
    return watchCredentials(this.gatewayFactory(credentials), {
      wasRejected: row.status === 'rejected',
      rejected: (err) => this.markRejected(row, credentials, err),
      accepted: () => this.markConnected(row),
    });
  }

  /** The account that connected this Twilio account SID and the Auth Token that signs its webhooks. */
  async webhookAuthFor(accountSid: string): Promise<WebhookAuth | null> {
    const c = await this.accounts.twilioSigningTokenOf(accountSid);
    return c
      ? {
          accountId: c.accountId,
          authToken: this.box.open(c.authTokenSealed, sealedFor.twilioAuthToken(c.accountId)),
          authTokenSealed: c.authTokenSealed,
        }
      : null;
  }

  /**
   * Webhooks of the account fail the signature check with the saved Auth Token. Anyone can post a
   * webhook with a (public) AccountSid and a made-up signature, so that proves nothing alone: the
   * token is tried on Twilio's API, and only Twilio refusing it (rotated or revoked in Twilio's
   * console) marks incoming texts refused. Keeps the first time (the texts to fetch back start
   * there); credentials saved meanwhile are not marked. True when Twilio refused the token.
   */
  async confirmInboundRefused(auth: WebhookAuth, at: Date): Promise<boolean> {
    const row = await this.accounts.twilioConnectionOf(auth.accountId);
    if (!row || row.authTokenSealed !== auth.authTokenSealed) return false;
    // The Auth Token alone, even when API calls use an API key: it is what signs webhooks.
    const tokenOnly = { accountSid: row.accountSid, authToken: auth.authToken };
    try {
      await this.gatewayFactory({
        ...tokenOnly,
        apiKeySid: null,
        apiKeySecret: null,
      }).verifyCredentials();
      return false;
    } catch (err) {
      if (!(err instanceof SmsCredentialsRejectedError)) throw err;
    }
    await this.accounts.markTwilioInboundRefused(auth.accountId, auth.authTokenSealed, at);
    return true;
  }

  /** The texts refused since `since` were fetched back (a later save's own, meanwhile, stays). */
  async clearRefusedTexts(accountId: string, since: Date): Promise<void> {
    await this.accounts.clearTwilioRefusedTexts(accountId, since);
  }

  /** `listener` runs after every save of credentials, before the save answers. */
  onCredentialsSaved(listener: CredentialsSavedListener): void {
    this.savedListeners.push(listener);
  }

  /**
   * `listener` runs when a Twilio account SID's saved credentials change or are removed in this
   * process, so what keeps them in memory drops them at once (the webhook auth cache: a removed
   * connection or a replaced token must not be accepted until its entry ages out).
   */
  onForget(listener: (accountSid: string) => void): void {
    this.forgetListeners.push(listener);
  }

  /** The account id that connected this Twilio account SID, if any. */
  async accountIdForAccountSid(accountSid: string): Promise<string | null> {
    const c = await this.accounts.twilioConnectionBySid(accountSid);
    return c?.accountId ?? null;
  }

  async credentialsFor(accountId: string): Promise<TwilioCredentials> {
    const c = await this.accounts.twilioConnectionOf(accountId);
    if (!c) throw new TwilioNotConnectedError(accountId);
    return this.open(c);
  }

  async connectionOf(accountId: string): Promise<TwilioConnection | null> {
    return this.accounts.twilioConnectionOf(accountId);
  }

  /**
   * Saves (replaces) the account's credentials, sealed, as connected, then runs the saved
   * listeners (the runtime fetches back texts refused meanwhile). Check them with Twilio first.
   */
  async save(accountId: string, credentials: TwilioCredentials): Promise<void> {
    const before = await this.accounts.twilioConnectionOf(accountId);
    // Texts refused for the signature wait to be fetched back, from the same Twilio account only.
    const refusedTextsSince =
      before?.accountSid === credentials.accountSid
        ? (before.refusedTextsSince ?? before.inboundRefusedSince)
        : null;
    await this.accounts.saveTwilioConnection({
      accountId,
      accountSid: credentials.accountSid,
      authTokenSealed: this.box.seal(credentials.authToken, sealedFor.twilioAuthToken(accountId)),
      apiKeySid: credentials.apiKeySid,
      apiKeySecretSealed: credentials.apiKeySecret
        ? this.box.seal(credentials.apiKeySecret, sealedFor.twilioApiKeySecret(accountId))
        : null,
      status: 'connected',
      statusReason: null,
      inboundRefusedSince: null,
      refusedTextsSince,
    });
    // The Twilio account SID replaced, if another, is forgotten as well.
    if (before && before.accountSid !== credentials.accountSid) this.forget(before.accountSid);
    this.forget(credentials.accountSid);
    await Promise.allSettled(this.savedListeners.map((listener) => listener(accountId)));
  }

  async remove(accountId: string): Promise<void> {
    const row = await this.accounts.twilioConnectionOf(accountId);
    await this.accounts.deleteTwilioConnection(accountId);
    if (row) this.forget(row.accountSid);
  }

  private forget(accountSid: string): void {
    this.gatewayFactory.forget?.(accountSid);
    for (const listener of this.forgetListeners) listener(accountSid);
  }

  private open(c: TwilioConnection): TwilioCredentials {
    return {
      accountSid: c.accountSid,
      authToken: this.box.open(c.authTokenSealed, sealedFor.twilioAuthToken(c.accountId)),
      apiKeySid: c.apiKeySid,
      apiKeySecret: c.apiKeySecretSealed
        ? this.box.open(c.apiKeySecretSealed, sealedFor.twilioApiKeySecret(c.accountId))
        : null,
    };
  }

  /**
   * Only the credentials the refused call used: if new ones were saved meanwhile (their sealed
   * token differs, each seal being unique), they are not marked.
   */
  private async markRejected(
    row: TwilioConnection,
    credentials: TwilioCredentials,
    err: SmsCredentialsRejectedError,
  ): Promise<void> {
    await this.accounts.markTwilioRejected(
      row.accountId,
      row.authTokenSealed,
      rejectedCredentialsReason(credentials, err, new Date()),
    );
  }

  private async markConnected(row: TwilioConnection): Promise<void> {
    await this.accounts.markTwilioConnected(row.accountId, row.authTokenSealed);
  }
}
