import type { KeapTokens } from '@sms-seq/crm-keap';

/** What Keap's token endpoint gives: the tokens (never logged) and the app (tenant) they are for. */
export interface KeapTokenSet extends KeapTokens {
  /** The Keap app name from the scope `full|<appname>.infusionsoft.com`, e.g. "ab123". */
  keapAppName: string | null;
}

/**
 * The OAuth 2 authorization-code grant with Keap, as the API needs it. Failures are the Keap
 * client's typed errors (packages/crm-keap): KeapGrantRevokedError for `invalid_grant` (a used or
 * expired code, a dead refresh token), KeapServerError / KeapNetworkError when the token endpoint
 * is down or slow (retryable), KeapAuthError for client credentials Keap refuses.
 */
export abstract class KeapTokenGrant {
  abstract authorizeUrl(state: string, redirectUri: string): string;
  abstract exchangeCode(code: string, redirectUri: string): Promise<KeapTokenSet>;
  abstract refresh(refreshToken: string): Promise<KeapTokenSet>;
}

/** `full|ab123.infusionsoft.com` → `ab123`. */
export function keapAppNameFromScope(scope: string): string | null {
  for (const part of scope.split(/[|\s]+/)) {
    const m = /^([A-Za-z0-9-]+)\.infusionsoft\.com$/.exec(part.trim());
    if (m?.[1]) return m[1].toLowerCase();
  }
  return null;
}
