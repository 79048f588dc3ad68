import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  KeapClient,
  type KeapCallPriority,
  type KeapRequestGate,
  type KeapRetryPolicy,
} from '@sms-seq/crm-keap';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { KeapTokensService } from './keap-tokens.service';

/** Optional: the shared Redis budget every Keap call passes through (provided by the budget module). */
export const KEAP_REQUEST_GATE = Symbol('KEAP_REQUEST_GATE');

/** A KeapClient acting as one account, with tokens from KeapTokensService (refreshed on a 401). */
@Injectable()
export class KeapClientFactory {
  constructor(
    private readonly tokens: KeapTokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(KEAP_REQUEST_GATE) private readonly gate?: KeapRequestGate,
  ) {}

  /** `retry` shortens the backoff where a person is waiting for the answer (pickers). */
  clientFor(
    accountId: string,
    priority: KeapCallPriority = 'interactive',
    retry?: Partial<KeapRetryPolicy>,
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
      ...(this.gate ? { gate: this.gate } : {}),
    });
  }
}
