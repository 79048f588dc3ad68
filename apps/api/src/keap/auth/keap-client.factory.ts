import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  KeapClient,
  type KeapAccountCache,
  type KeapCallPriority,
  type KeapRequestGate,
  type KeapRetryPolicy,
} from '@sms-seq/crm-keap';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { KEAP_ACCOUNT_CACHE } from '../keap-account-cache';
import { KEAP_REQUEST_GATE } from '../budget/keap-request-gate';
import { KeapTokensService } from './keap-tokens.service';

/**
 * The one place Keap clients are built: a KeapClient acting as one account, with tokens from
 * KeapTokensService (refreshed on a 401), the shared Keap budget as its gate and the account cache
 * (field model, note user) of every process (both from KeapBudgetModule).
 */
@Injectable()
export class KeapClientFactory {
  private readonly logger = new Logger(KeapClientFactory.name);

  constructor(
    private readonly tokens: KeapTokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(KEAP_REQUEST_GATE) private readonly gate: KeapRequestGate,
    @Inject(KEAP_ACCOUNT_CACHE) private readonly accountCache: KeapAccountCache,
  ) {}

  /**
   * `retry` shortens the backoff where a person is waiting for the answer (pickers); `onCall` is
   * told the kind of every HTTP attempt (the runtime counts them per conversation).
   */
  clientFor(
    accountId: string,
    priority: KeapCallPriority = 'interactive',
    retry?: Partial<KeapRetryPolicy>,
    onCall?: (kind: string) => void,
  ): KeapClient {
    return new KeapClient({
      ...(retry ? { retry } : {}),
      baseUrl: this.config.KEAP_API_URL,
      accountId,
      priority,
      accessToken: ({ rejectedToken }) =>
        rejectedToken
          ? this.tokens.refreshAfterUnauthorized(accountId, rejectedToken)
          : this.tokens.accessTokenFor(accountId),
      gate: this.gate,
      accountCache: this.accountCache,
      ...(onCall ? { onCall: (call) => onCall(call.kind) } : {}),
      onGateError: (err, call) =>
        this.logger.warn(
          `The Keap budget did not take the answer of ${call.kind} (account ${call.accountId}); the call's outcome stands: ${err instanceof Error ? err.message : String(err)}`,
        ),
    });
  }
}
