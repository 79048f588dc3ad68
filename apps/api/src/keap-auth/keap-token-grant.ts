/** What Keap's token endpoint gives: the tokens (never logged) and the app (tenant) they are for. */
export interface KeapTokenSet {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  scope: string;
  /** The Keap app name from the scope `full|<appname>.infusionsoft.com`, e.g. "ab123". */
  keapAppName: string | null;
}

/** The grant was revoked or the refresh token is no longer valid: the user must connect again. */
export class KeapGrantRevoked extends Error {
  constructor(readonly description: string) {
    super(`Keap refused the grant: ${description}`);
    this.name = 'KeapGrantRevoked';
  }
}

/** The OAuth 2 authorization-code grant with Keap, as the API needs it. */
export abstract class KeapTokenGrant {
  abstract authorizeUrl(state: string, redirectUri: string): string;
  abstract exchangeCode(code: string, redirectUri: string): Promise<KeapTokenSet>;
  /** Throws KeapGrantRevoked when Keap says the refresh token is dead. */
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
