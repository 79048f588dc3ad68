import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../errors/domain-error';
import type { Account } from './account.entity';
import { AccountRepository } from './account.repository';

/** Reads and changes accounts. Every other feature scopes its queries by the account id it gets here. */
@Injectable()
export class AccountService {
  constructor(private readonly accounts: AccountRepository) {}

  async get(accountId: string): Promise<Account> {
    const account = await this.accounts.find(accountId);
    if (!account) throw new NotFoundError('The account', 'account_not_found');
    return account;
  }

  find(accountId: string): Promise<Account | null> {
    return this.accounts.find(accountId);
  }

  /** The account of a Keap app, created on first install. */
  upsertByKeapAppName(keapAppName: string): Promise<Account> {
    return this.accounts.ensureForKeapApp(keapAppName);
  }

  markDisconnected(accountId: string, reason: string): Promise<void> {
    return this.accounts.markDisconnected(accountId, reason);
  }

  markActive(accountId: string): Promise<void> {
    return this.accounts.markActive(accountId);
  }
}
