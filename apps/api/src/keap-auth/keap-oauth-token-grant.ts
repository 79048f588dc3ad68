import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import {
  KeapGrantRevoked,
  KeapTokenGrant,
  type KeapTokenSet,
  keapAppNameFromScope,
} from './keap-token-grant';

export class KeapTokenEndpointError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
  ) {
    super(`Keap's token endpoint answered ${status} (${error})`);
    this.name = 'KeapTokenEndpointError';
  }
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

/** Keap's OAuth endpoints (KEAP_AUTHORIZE_URL, KEAP_TOKEN_URL), client credentials from config. */
@Injectable()
export class KeapOAuthTokenGrant extends KeapTokenGrant {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  authorizeUrl(state: string, redirectUri: string): string {
    const url = new URL(this.config.KEAP_AUTHORIZE_URL);
    url.searchParams.set('client_id', this.config.KEAP_CLIENT_ID);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', 'full');
    url.searchParams.set('state', state);
    return url.toString();
  }

  exchangeCode(code: string, redirectUri: string): Promise<KeapTokenSet> {
    return this.post({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  }

  refresh(refreshToken: string): Promise<KeapTokenSet> {
    return this.post({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  private async post(params: Record<string, string>): Promise<KeapTokenSet> {
    const basic = Buffer.from(
      `${encodeURIComponent(this.config.KEAP_CLIENT_ID)}:${encodeURIComponent(this.config.KEAP_CLIENT_SECRET)}`,
    ).toString('base64');
    const res = await fetch(this.config.KEAP_TOKEN_URL, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(params).toString(),
    });
    const body = (await res.json().catch(() => ({}))) as TokenAnswer;
    if (!res.ok || !body.access_token || !body.refresh_token) {
      const error = body.error ?? `http_${res.status}`;
      if (error === 'invalid_grant') throw new KeapGrantRevoked(body.error_description ?? error);
      throw new KeapTokenEndpointError(res.status, error);
    }
    const scope = body.scope ?? '';
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: new Date(Date.now() + (body.expires_in ?? 3600) * 1000),
      scope,
      keapAppName: keapAppNameFromScope(scope),
    };
  }
}
