import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull, LessThan } from 'typeorm';
import { Account } from './account.entity';
import { KeapConnection } from './keap-connection.entity';
import { TwilioConnection } from './twilio-connection.entity';

/** A Keap grant as stored: its tokens sealed. */
export type SealedKeapGrant = Pick<
  KeapConnection,
  'accessTokenSealed' | 'refreshTokenSealed' | 'expiresAt' | 'scope'
>;

/**
 * Accounts and their Keap and Twilio connections (`accounts`, `keap_connections`,
 * `twilio_connections`).
 * Every method takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class AccountRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(accountId: string, m?: EntityManager): Promise<Account | null> {
    return this.manager(m)
      .getRepository(Account)
      .findOne({ where: { id: accountId } });
  }

  /** The account of a Keap app, created on first install. */
  async ensureForKeapApp(keapAppName: string, m?: EntityManager): Promise<Account> {
    const accounts = this.manager(m).getRepository(Account);
    await accounts
      .createQueryBuilder()
      .insert()
      .values({ keapAppName, name: keapAppName })
      .orIgnore()
      .execute();
    return accounts.findOneOrFail({ where: { keapAppName } });
  }

  async markDisconnected(accountId: string, reason: string, m?: EntityManager): Promise<void> {
    await this.manager(m)
      .getRepository(Account)
      .update({ id: accountId }, { status: 'disconnected', statusReason: reason });
  }

  async markActive(accountId: string, m?: EntityManager): Promise<void> {
    await this.manager(m)
      .getRepository(Account)
      .update({ id: accountId }, { status: 'active', statusReason: null });
  }

  keapConnectionOf(accountId: string, m?: EntityManager): Promise<KeapConnection | null> {
    return this.manager(m).getRepository(KeapConnection).findOne({ where: { accountId } });
  }

  /** The Keap connections of active accounts whose access token expires before `before`. */
  keapConnectionsExpiringBefore(before: Date, m?: EntityManager): Promise<KeapConnection[]> {
    return this.manager(m)
      .getRepository(KeapConnection)
      .createQueryBuilder('c')
      .innerJoin(Account, 'a', 'a.id = c.account_id')
      .where("a.status = 'active'")
      .andWhere({ expiresAt: LessThan(before) })
      .getMany();
  }

  /** Stores (replaces) the account's Keap grant. */
  async saveKeapGrant(accountId: string, grant: SealedKeapGrant, m?: EntityManager): Promise<void> {
    await this.manager(m)
      .getRepository(KeapConnection)
      .save({ accountId, ...grant });
  }

  /** The refreshed tokens; the scope only when Keap named one. */
  async updateKeapTokens(
    accountId: string,
    tokens: Omit<SealedKeapGrant, 'scope'> & { scope?: string },
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).getRepository(KeapConnection).update({ accountId }, tokens);
  }

  twilioConnectionOf(accountId: string, m?: EntityManager): Promise<TwilioConnection | null> {
    return this.manager(m).getRepository(TwilioConnection).findOne({ where: { accountId } });
  }

  twilioConnectionBySid(accountSid: string, m?: EntityManager): Promise<TwilioConnection | null> {
    return this.manager(m).getRepository(TwilioConnection).findOne({ where: { accountSid } });
  }

  /** Only the account and the sealed Auth Token of the Twilio account SID (webhook signatures). */
  twilioSigningTokenOf(
    accountSid: string,
    m?: EntityManager,
  ): Promise<Pick<TwilioConnection, 'accountId' | 'authTokenSealed'> | null> {
    return this.manager(m)
      .getRepository(TwilioConnection)
      .findOne({
        where: { accountSid },
        select: { accountId: true, authTokenSealed: true },
      });
  }

  /** Saves (replaces) the account's Twilio connection. */
  async saveTwilioConnection(
    connection: Omit<TwilioConnection, 'account' | 'updatedAt'>,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).getRepository(TwilioConnection).save(connection);
  }

  async deleteTwilioConnection(accountId: string, m?: EntityManager): Promise<void> {
    await this.manager(m).getRepository(TwilioConnection).delete({ accountId });
  }

  /** Marks these saved credentials (by their sealed token) as signed for by another Auth Token, the first time only. */
  async markTwilioInboundRefused(
    accountId: string,
    authTokenSealed: string,
    at: Date,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m)
      .getRepository(TwilioConnection)
      .update(
        { accountId, authTokenSealed, inboundRefusedSince: IsNull() },
        { inboundRefusedSince: at },
      );
  }

  /** The texts refused since `since` were fetched back (a later save's own, meanwhile, stays). */
  async clearTwilioRefusedTexts(accountId: string, since: Date, m?: EntityManager): Promise<void> {
    await this.manager(m)
      .getRepository(TwilioConnection)
      .update({ accountId, refusedTextsSince: since }, { refusedTextsSince: null });
  }

  /** Only these saved credentials (by their sealed token): a later save is not marked. */
  async markTwilioRejected(
    accountId: string,
    authTokenSealed: string,
    reason: string,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m)
      .getRepository(TwilioConnection)
      .update({ accountId, authTokenSealed }, { status: 'rejected', statusReason: reason });
  }

  /** Only these saved credentials (by their sealed token), and only if they were rejected. */
  async markTwilioConnected(
    accountId: string,
    authTokenSealed: string,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m)
      .getRepository(TwilioConnection)
      .update(
        { accountId, authTokenSealed, status: 'rejected' },
        { status: 'connected', statusReason: null },
      );
  }

  /** The account; throws (EntityNotFoundError) when there is none. */
  findOrFail(accountId: string, m?: EntityManager): Promise<Account> {
    return this.manager(m).getRepository(Account).findOneByOrFail({ id: accountId });
  }

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }
}
