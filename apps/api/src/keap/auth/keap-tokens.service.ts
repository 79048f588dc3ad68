import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { KeapGrantRevokedError, type KeapTokens, TokenManager } from '@sms-seq/crm-keap';
import { AccountRepository } from '../../accounts/account.repository';
import { AccountService } from '../../accounts/account.service';
import type { KeapConnection } from '../../accounts/keap-connection.entity';
import { RedisLock } from '../../redis/redis-lock';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { SecretBox, sealedFor } from '../../crypto/secret-box';
import { KeapDisconnectedError } from './keap-disconnected.error';
import { KeapDisconnection } from './keap-disconnection';
import { KEAP_TOKEN_TIMEOUT_MS } from './keap-oauth-token-grant';
import { KeapTokenGrant, type KeapTokenSet } from './keap-token-grant';

export const REVOKED_REASON = 'Keap access was revoked or has expired.';

/**
 * The refresh holds the account's lock for a read, one token request and a write. The lease
 * outlasts all three with room to spare: were it shorter than the token request, a slow Keap
 * would let a second process refresh with the refresh token the first is spending.
 */
export const KEAP_TOKEN_LOCK_LEASE_MS = 3 * KEAP_TOKEN_TIMEOUT_MS;
// A waiter outlives the lease of a holder that crashed, then takes the lock itself.
const KEAP_TOKEN_LOCK_WAIT_MS = KEAP_TOKEN_LOCK_LEASE_MS + 5_000;

/**
 * Hands out a valid Keap access token per account, through the Keap client's TokenManager: tokens
 * are refreshed ahead of expiry (here and by a scheduled job) and after a 401; Keap returns a new
 * refresh token on every refresh, so it is stored every time, and one refresh runs at a time per
 * account across every process (a second concurrent refresh would spend a refresh token the
 * first just invalidated).
 */
@Injectable()
export class KeapTokensService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KeapTokensService.name);
  private readonly manager: TokenManager;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly accountRepository: AccountRepository,
    private readonly accounts: AccountService,
    private readonly grant: KeapTokenGrant,
    private readonly box: SecretBox,
    private readonly lock: RedisLock,
    private readonly disconnection: KeapDisconnection,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.manager = new TokenManager({
      oauth: {
        refresh: ({ accountId, refreshToken }) => this.refreshGrant(accountId, refreshToken),
      },
      store: {
        load: (accountId) => this.load(accountId),
        save: (accountId, tokens) => this.save(accountId, tokens),
      },
      refreshAheadMs: config.KEAP_REFRESH_AHEAD_SECONDS * 1000,
      lock: (accountId, fn) =>
        this.lock.withLock(`keap-token:${accountId}`, fn, {
          leaseMs: KEAP_TOKEN_LOCK_LEASE_MS,
          waitMs: KEAP_TOKEN_LOCK_WAIT_MS,
        }),
    });
  }

  onApplicationBootstrap(): void {
    const every = this.config.KEAP_REFRESH_INTERVAL_SECONDS;
    if (every > 0) {
      this.timer = setInterval(() => {
        // A sweep slower than the interval is not started twice.
        if (this.sweeping) return;
        this.sweeping = this.refreshDueTokens()
          .catch((err: unknown) => {
            this.logger.error(`Keap token sweep failed: ${(err as Error).name}`);
            return 0;
          })
          .finally(() => (this.sweeping = null));
      }, every * 1000);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  /** A valid access token for the account; throws KeapDisconnectedError when the grant is gone. */
  accessTokenFor(accountId: string): Promise<string> {
    return this.manager.getAccessToken(accountId);
  }

  /**
   * Keap answered 401 with `rejectedAccessToken`: refresh unless another caller already has (then
   * the newer token is returned). Never that token again: TokenManager does not share a mere read
   * of the stored token with this call.
   */
  refreshAfterUnauthorized(accountId: string, rejectedAccessToken: string): Promise<string> {
    return this.manager.getAccessToken(accountId, { rejectedToken: rejectedAccessToken });
  }

  /** The scheduled job: refresh every active account's token that expires soon. */
  async refreshDueTokens(): Promise<number> {
    const due = await this.accountRepository.keapConnectionsExpiringBefore(
      new Date(Date.now() + this.config.KEAP_REFRESH_AHEAD_SECONDS * 1000),
    );
    let refreshed = 0;
    for (const c of due) {
      try {
        // Re-checked under the lock: another process may have refreshed it since the query.
        await this.manager.getAccessToken(c.accountId);
        refreshed++;
      } catch (err) {
        if (!(err instanceof KeapDisconnectedError))
          this.logger.warn(
            `Keap token refresh failed for account ${c.accountId}: ${(err as Error).name}`,
          );
      }
    }
    return refreshed;
  }

  /** Stores a new grant (after the OAuth callback) and marks the account active. */
  async store(accountId: string, tokens: KeapTokenSet): Promise<void> {
    await this.accountRepository.saveKeapGrant(accountId, {
      accessTokenSealed: this.box.seal(tokens.accessToken, sealedFor.keapAccessToken(accountId)),
      refreshTokenSealed: this.box.seal(tokens.refreshToken, sealedFor.keapRefreshToken(accountId)),
      expiresAt: tokens.expiresAt,
      scope: tokens.scope,
    });
    await this.accounts.markActive(accountId);
  }

  async connectionOf(accountId: string): Promise<KeapConnection | null> {
    return this.accountRepository.keapConnectionOf(accountId);
  }

  /**
   * Runs under the account's lock. `invalid_grant` means the refresh token is dead, but not
   * always that the grant is: another process may have rotated the tokens meanwhile (a lock lease
   * that ran out, a Redis failover). Only when the stored refresh token is still the one Keap
   * refused is the account marked disconnected.
   */
  private async refreshGrant(accountId: string, refreshToken: string): Promise<KeapTokens> {
    try {
      return await this.grant.refresh(refreshToken);
    } catch (err) {
      if (!(err instanceof KeapGrantRevokedError)) throw err;
      const latest = await this.load(accountId);
      if (latest.refreshToken !== refreshToken) return latest;
      await this.disconnection.disconnect(accountId, REVOKED_REASON);
      this.logger.warn(`Keap grant revoked for account ${accountId}; marked disconnected`);
      throw new KeapDisconnectedError(accountId, REVOKED_REASON);
    }
  }

  private async load(accountId: string): Promise<KeapTokens> {
    const account = await this.accountRepository.find(accountId);
    if (!account) throw new KeapDisconnectedError(accountId, 'The account does not exist.');
    if (account.status === 'disconnected')
      throw new KeapDisconnectedError(accountId, account.statusReason ?? REVOKED_REASON);
    const connection = await this.accountRepository.keapConnectionOf(accountId);
    if (!connection) throw new KeapDisconnectedError(accountId, 'Keap has not been connected yet.');
    return {
      accessToken: this.box.open(
        connection.accessTokenSealed,
        sealedFor.keapAccessToken(accountId),
      ),
      refreshToken: this.box.open(
        connection.refreshTokenSealed,
        sealedFor.keapRefreshToken(accountId),
      ),
      expiresAt: connection.expiresAt,
      scope: connection.scope,
    };
  }

  private async save(accountId: string, tokens: KeapTokens): Promise<void> {
    await this.accountRepository.updateKeapTokens(accountId, {
      accessTokenSealed: this.box.seal(tokens.accessToken, sealedFor.keapAccessToken(accountId)),
      refreshTokenSealed: this.box.seal(tokens.refreshToken, sealedFor.keapRefreshToken(accountId)),
      expiresAt: tokens.expiresAt,
      ...(tokens.scope ? { scope: tokens.scope } : {}),
    });
  }
}
