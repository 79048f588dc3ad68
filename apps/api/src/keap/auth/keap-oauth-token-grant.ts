import { Inject, Injectable } from '@nestjs/common';
import { KeapOAuth, type KeapTokens } from '@sms-seq/crm-keap';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { KeapTokenGrant, type KeapTokenSet, keapAppNameFromScope } from './keap-token-grant';

/**
 * Per token request. The refresh runs under the account's Redis lock, whose lease must outlast
 * it (see KeapTokensService), so a slow Keap can never let two processes refresh at once.
 */
export const KEAP_TOKEN_TIMEOUT_MS = 10_000;

/** Keap's OAuth endpoints (KEAP_AUTHORIZE_URL, KEAP_TOKEN_URL) through the Keap client's KeapOAuth. */
@Injectable()
export class KeapOAuthTokenGrant extends KeapTokenGrant {
  private readonly oauth: KeapOAuth;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.oauth = new KeapOAuth({
      clientId: config.KEAP_CLIENT_ID,
      clientSecret: config.KEAP_CLIENT_SECRET,
      authorizeUrl: config.KEAP_AUTHORIZE_URL,
      tokenUrl: config.KEAP_TOKEN_URL,
      timeoutMs: KEAP_TOKEN_TIMEOUT_MS,
    });
  }

  authorizeUrl(state: string, redirectUri: string): string {
    return this.oauth.authorizeUrl({ state, redirectUri });
  }

  async exchangeCode(code: string, redirectUri: string): Promise<KeapTokenSet> {
    return withAppName(await this.oauth.exchangeCode({ code, redirectUri, now: new Date() }));
  }

  async refresh(refreshToken: string): Promise<KeapTokenSet> {
    return withAppName(await this.oauth.refresh({ refreshToken, now: new Date() }));
  }
}

function withAppName(tokens: KeapTokens): KeapTokenSet {
  return { ...tokens, keapAppName: keapAppNameFromScope(tokens.scope) };
}
