import { Injectable } from '@nestjs/common';
import { AccountService } from '../../accounts/account.service';
import { SessionStore } from '../../session/session.store';

/**
 * The account lost its Keap grant (revoked, refused): it is marked disconnected and every console
 * session of it ends, since each was signed in by that grant.
 */
@Injectable()
export class KeapDisconnection {
  constructor(
    private readonly accounts: AccountService,
    private readonly sessions: SessionStore,
  ) {}

  async disconnect(accountId: string, reason: string): Promise<void> {
    await this.accounts.markDisconnected(accountId, reason);
    await this.sessions.endAllOf(accountId);
  }
}
