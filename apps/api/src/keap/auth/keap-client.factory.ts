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
   * told the kind of every HTTP attempt (the runtime counts them per conversation). `preset`, for
   * a call whose budget grant was won ahead (keap/crm/keap-contact-read-batcher.ts): `gate`, one
   * that wraps the shared budget holding that grant (keap/crm/granted-first-gate.ts), and
   * `accessToken`, the account's token read before the grant was asked for, which the client's
   * calls use instead of reading it again once granted, until Keap refuses one (a gate alone: just
   * the gate).
   */
  clientFor(
    accountId: string,
    priority: KeapCallPriority = 'interactive',
    retry?: Partial<KeapRetryPolicy>,
    onCall?: (kind: string) => void,
    preset: KeapRequestGate | { gate?: KeapRequestGate; accessToken?: string } = {},
  ): KeapClient {
    // A gate alone: the wrapping gate, the token read as usual.
    const { gate = this.gate, accessToken } = 'acquire' in preset ? { gate: preset } : preset;
    let presetToken = accessToken;
    return new KeapClient({
      ...(retry ? { retry } : {}),
      baseUrl: this.config.KEAP_API_URL,
      accountId,
      priority,
      accessToken: ({ rejectedToken }) => {
        if (rejectedToken) {
          // Keap refused it (or another): from now on the token as the store has it.
          presetToken = undefined;
          return this.tokens.refreshAfterUnauthorized(accountId, rejectedToken);
        }
        return presetToken !== undefined
          ? Promise.resolve(presetToken)
          : this.tokens.accessTokenFor(accountId);
      },
      gate,
      accountCache: this.accountCache,
      ...(onCall ? { onCall: (call) => onCall(call.kind) } : {}),
      onGateError: (err, call) =>
        this.logger.warn(
          `The Keap budget did not take the answer of ${call.kind} (account ${call.accountId}); the call's outcome stands: ${err instanceof Error ? err.message : String(err)}`,
        ),
    });
  }

  /** The account's Keap access token as a client's call would read it (see `clientFor`'s `preset`). */
  accessTokenFor(accountId: string): Promise<string> {
    return this.tokens.accessTokenFor(accountId);
  }
}
