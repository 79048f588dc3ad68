import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import { Account } from '../accounts/account.entity';
import { AccountService } from '../accounts/account.service';
import { KeapConnection } from '../accounts/keap-connection.entity';
import { RedisLock } from '../accounts/redis-lock';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { SecretBox } from '../crypto/secret-box';
import { KeapDisconnectedError } from './keap-disconnected.error';
import { KeapGrantRevoked, KeapTokenGrant, type KeapTokenSet } from './keap-token-grant';

export const REVOKED_REASON = 'Keap access was revoked or has expired.';

/**
 * Hands out a valid Keap access token per account. Tokens are refreshed ahead of expiry (here and
 * by a scheduled job) and after a 401; Keap returns a new refresh token on every refresh, so it is
 * stored every time, and one refresh runs at a time per account across every process (a second
 * concurrent refresh would use a refresh token the first just invalidated).
 */
@Injectable()
export class KeapTokensService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KeapTokensService.name);
  private readonly inFlight = new Map<string, Promise<string>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectRepository(KeapConnection) private readonly connections: Repository<KeapConnection>,
    @InjectRepository(Account) private readonly accountRows: Repository<Account>,
    private readonly accounts: AccountService,
    private readonly grant: KeapTokenGrant,
    private readonly box: SecretBox,
    private readonly lock: RedisLock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.KEAP_REFRESH_INTERVAL_SECONDS;
    if (every > 0) {
      this.timer = setInterval(
        () => void this.refreshDueTokens().catch((err) => this.logger.error(String(err))),
        every * 1000,
      );
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A valid access token for the account; throws KeapDisconnectedError when the grant is gone. */
  async accessTokenFor(accountId: string): Promise<string> {
    const { account, connection } = await this.load(accountId);
    if (!this.isDue(connection)) return this.box.open(connection.accessTokenSealed);
    return this.refresh(account.id, () => true);
  }

  /**
   * Keap answered 401 with `rejectedAccessToken`: refresh unless another caller already has (then
   * the newer token is returned).
   */
  async refreshAfterUnauthorized(accountId: string, rejectedAccessToken: string): Promise<string> {
    return this.refresh(
      accountId,
      (c) => this.box.open(c.accessTokenSealed) === rejectedAccessToken,
    );
  }

  /** The scheduled job: refresh every active account's token that expires soon. */
  async refreshDueTokens(): Promise<number> {
    const due = await this.connections
      .createQueryBuilder('c')
      .innerJoin(Account, 'a', 'a.id = c.account_id')
      .where("a.status = 'active'")
      .andWhere({
        expiresAt: LessThan(new Date(Date.now() + this.config.KEAP_REFRESH_AHEAD_SECONDS * 1000)),
      })
      .getMany();
    let refreshed = 0;
    for (const c of due) {
      try {
        await this.refresh(c.accountId, (fresh) => this.isDue(fresh));
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
    await this.connections.save({
      accountId,
      accessTokenSealed: this.box.seal(tokens.accessToken),
      refreshTokenSealed: this.box.seal(tokens.refreshToken),
      expiresAt: tokens.expiresAt,
      scope: tokens.scope,
    });
    await this.accounts.markActive(accountId);
  }

  async connectionOf(accountId: string): Promise<KeapConnection | null> {
    return this.connections.findOne({ where: { accountId } });
  }

  private isDue(c: KeapConnection): boolean {
    return c.expiresAt.getTime() - Date.now() <= this.config.KEAP_REFRESH_AHEAD_SECONDS * 1000;
  }

  private async load(accountId: string): Promise<{ account: Account; connection: KeapConnection }> {
    const account = await this.accountRows.findOne({ where: { id: accountId } });
    if (!account) throw new KeapDisconnectedError(accountId, 'The account does not exist.');
    if (account.status === 'disconnected')
      throw new KeapDisconnectedError(accountId, account.statusReason ?? REVOKED_REASON);
    const connection = await this.connections.findOne({ where: { accountId } });
    if (!connection) throw new KeapDisconnectedError(accountId, 'Keap has not been connected yet.');
    return { account, connection };
  }

  /** Single flight in this process, then a Redis lock across processes; re-reads under the lock. */
  private refresh(
    accountId: string,
    stillNeeded: (fresh: KeapConnection) => boolean,
  ): Promise<string> {
    const running = this.inFlight.get(accountId);
    if (running) return running;
    const work = this.lock
      .withLock(`keap-token:${accountId}`, async () => {
        const { connection } = await this.load(accountId);
        if (!stillNeeded(connection)) return this.box.open(connection.accessTokenSealed);
        let tokens: KeapTokenSet;
        try {
          tokens = await this.grant.refresh(this.box.open(connection.refreshTokenSealed));
        } catch (err) {
          if (err instanceof KeapGrantRevoked) {
            await this.accounts.markDisconnected(accountId, REVOKED_REASON);
            this.logger.warn(`Keap grant revoked for account ${accountId}; marked disconnected`);
            throw new KeapDisconnectedError(accountId, REVOKED_REASON);
          }
          throw err;
        }
        await this.connections.update(
          { accountId },
          {
            accessTokenSealed: this.box.seal(tokens.accessToken),
            refreshTokenSealed: this.box.seal(tokens.refreshToken),
            expiresAt: tokens.expiresAt,
            ...(tokens.scope ? { scope: tokens.scope } : {}),
          },
        );
        return tokens.accessToken;
      })
      .finally(() => this.inFlight.delete(accountId));
    this.inFlight.set(accountId, work);
    return work;
  }
}
