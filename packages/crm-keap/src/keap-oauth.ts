import axios, { type AxiosInstance, isAxiosError } from 'axios';
import {
  KeapClientCredentialsError,
  KeapGrantRevokedError,
  KeapNetworkError,
  KeapServerError,
  KeapValidationError,
} from './errors';

export const KEAP_AUTHORIZE_URL = 'https://accounts.infusionsoft.com/app/oauth/authorize';
export const KEAP_TOKEN_URL = 'https://api.infusionsoft.com/token';

/** What we keep per account. Keap rotates the refresh token on every refresh: store it each time. */
export interface KeapTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working, from `expires_in` and the caller's clock. */
  expiresAt: Date;
  /** e.g. `full|ab123.infusionsoft.com`: names the Keap app (tenant) the grant is for. */
  scope: string;
}

export interface KeapOAuthOptions {
  clientId: string;
  clientSecret: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  timeoutMs?: number;
  /** An axios instance of your own (proxies, tests). */
  http?: AxiosInstance;
}

/** Keap's OAuth 2 authorization-code flow: consent URL, code exchange, refresh. */
export class KeapOAuth {
  private readonly http: AxiosInstance;
  private readonly authorizeBase: string;
  private readonly tokenUrl: string;

  constructor(private readonly options: KeapOAuthOptions) {
    this.http = options.http ?? axios.create();
    this.authorizeBase = options.authorizeUrl ?? KEAP_AUTHORIZE_URL;
    this.tokenUrl = options.tokenUrl ?? KEAP_TOKEN_URL;
  }

  /** Where to send the user to approve the app; `state` comes back with the code (CSRF check). */
  authorizeUrl(input: { redirectUri: string; state: string }): string {
    const url = new URL(this.authorizeBase);
    url.searchParams.set('client_id', this.options.clientId);
    url.searchParams.set('redirect_uri', input.redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', 'full');
    url.searchParams.set('state', input.state);
    return url.toString();
  }

  /** Trades the code from the redirect for tokens; `now` is when we asked (for `expiresAt`). */
  exchangeCode(input: { code: string; redirectUri: string; now: Date }): Promise<KeapTokens> {
    return this.requestTokens(
      {
        grant_type: 'authorization_code',
        code: input.code,
        redirect_uri: input.redirectUri,
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
      },
      input.now,
      false,
    );
  }

  /** A new access token AND a new refresh token; the old refresh token is dead afterwards. */
  refresh(input: { refreshToken: string; now: Date }): Promise<KeapTokens> {
    return this.requestTokens(
      { grant_type: 'refresh_token', refresh_token: input.refreshToken },
      input.now,
      true,
    );
  }

  private async requestTokens(
    form: Record<string, string>,
    now: Date,
    basicAuth: boolean,
  ): Promise<KeapTokens> {
    try {
      const res = await this.http.post<Record<string, unknown>>(
        this.tokenUrl,
        new URLSearchParams(form).toString(),
        {
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Accept: 'application/json',
            ...(basicAuth
              ? {
                  Authorization: `Basic ${Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64')}`,
                }
              : {}),
          },
          timeout: this.options.timeoutMs ?? 15_000,
        },
      );
      return toTokens(res.data, now);
    } catch (err) {
      throw mapTokenError(err);
    }
  }
}

function toTokens(data: Record<string, unknown>, now: Date): KeapTokens {
  const { access_token, refresh_token, expires_in, scope } = data;
  if (
    typeof access_token !== 'string' ||
    typeof refresh_token !== 'string' ||
    typeof expires_in !== 'number'
  ) {
    throw new KeapServerError(
      'Keap token endpoint answered without access_token, refresh_token and expires_in',
    );
  }
  return {
    accessToken: access_token,
    refreshToken: refresh_token,
    expiresAt: new Date(now.getTime() + expires_in * 1000),
    scope: typeof scope === 'string' ? scope : '',
  };
}

function mapTokenError(err: unknown): Error {
  if (err instanceof KeapServerError) return err;
  if (!isAxiosError(err)) return err instanceof Error ? err : new Error(String(err));
  const status = err.response?.status;
  if (status === undefined)
    return new KeapNetworkError(`Keap token endpoint unreachable: ${err.code ?? err.message}`);
  const body = (err.response?.data ?? {}) as Record<string, unknown>;
  const code = typeof body.error === 'string' ? body.error : '';
  const description = typeof body.error_description === 'string' ? body.error_description : '';
  if (code === 'invalid_grant')
    return new KeapGrantRevokedError(`Keap refused the grant: ${description || code}`, status);
  if (status === 429 || status >= 500)
    return new KeapServerError(`Keap token endpoint answered ${status}`, status);
  if (status === 401 || code === 'invalid_client')
    return new KeapClientCredentialsError(
      `Keap refused the app's client credentials (${code || status})`,
      status,
    );
  return new KeapValidationError(
    `Keap token endpoint answered ${status}: ${code} ${description}`.trim(),
    status,
    body,
  );
}
