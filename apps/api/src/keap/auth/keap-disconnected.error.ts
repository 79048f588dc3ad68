import { DomainError } from '../../errors/domain-error';

/**
 * The account's Keap grant is gone (revoked, or never connected): nothing can reach Keap for it
 * until the user connects Keap again. Tools of the account stop starting conversations.
 */
export class KeapDisconnectedError extends DomainError {
  readonly status = 409;
  readonly code = 'keap_disconnected';
  constructor(
    readonly accountId: string,
    readonly reason: string,
  ) {
    super(`Keap is disconnected for this account: ${reason} Connect Keap again to continue.`);
  }
}
