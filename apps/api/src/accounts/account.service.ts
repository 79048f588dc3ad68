import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { NotFoundError } from '../errors/domain-error';
import { Account } from './account.entity';

/** Reads and changes accounts. Every other feature scopes its queries by the account id it gets here. */
@Injectable()
export class AccountService {
  constructor(@InjectRepository(Account) private readonly accounts: Repository<Account>) {}

  async get(accountId: string): Promise<Account> {
    const account = await this.accounts.findOne({ where: { id: accountId } });
    if (!account) throw new NotFoundError('The account', 'account_not_found');
    return account;
  }

  find(accountId: string): Promise<Account | null> {
    return this.accounts.findOne({ where: { id: accountId } });
  }

  /** The account of a Keap app, created on first install. */
  async upsertByKeapAppName(keapAppName: string): Promise<Account> {
    await this.accounts
      .createQueryBuilder()
      .insert()
      .values({ keapAppName, name: keapAppName })
      .orIgnore()
      .execute();
    const account = await this.accounts.findOneOrFail({ where: { keapAppName } });
    return account;
  }

  async markDisconnected(accountId: string, reason: string): Promise<void> {
    await this.accounts.update({ id: accountId }, { status: 'disconnected', statusReason: reason });
  }

  async markActive(accountId: string): Promise<void> {
    await this.accounts.update({ id: accountId }, { status: 'active', statusReason: null });
  }
}
