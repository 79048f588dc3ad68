import { Controller, Get, Inject, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AccountService } from '../accounts/account.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { setSessionCookies } from '../session/session-cookies';
import { SessionStore, sameSecret } from '../session/session.store';
import { KeapTokenGrant } from './keap-token-grant';
import { KeapTokensService } from './keap-tokens.service';

const STATE_COOKIE = 'sms_oauth_state';

/** "Connect Keap": the OAuth redirect and callback that install the app and sign the user in. */
@ApiTags('session')
@Controller('keap')
export class KeapAuthController {
  private readonly logger = new Logger(KeapAuthController.name);

  constructor(
    private readonly grant: KeapTokenGrant,
    private readonly tokens: KeapTokensService,
    private readonly accounts: AccountService,
    private readonly sessions: SessionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('connect')
  @ApiOperation({ summary: "Redirects to Keap's consent page (302)." })
  async connect(@Res() res: Response): Promise<void> {
    const state = await this.sessions.createOAuthState();
    // The state is also bound to this browser, so a callback started elsewhere is refused.
    res.cookie(STATE_COOKIE, state, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.NODE_ENV === 'production',
      maxAge: 10 * 60 * 1000,
      path: '/api/keap',
    });
    res.redirect(302, this.grant.authorizeUrl(state, this.redirectUri()));
  }

  @Get('callback')
  @ApiExcludeEndpoint()
  async callback(
    @Query('code') codeParam: unknown,
    @Query('state') stateParam: unknown,
    @Query('error') errorParam: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // Keap sends each once; anything else (repeated, too long) is not Keap's answer to our request.
    const code = oneParam(codeParam);
    const state = oneParam(stateParam);
    const error = errorParam === undefined ? undefined : (oneParam(errorParam) ?? 'invalid');
    const cookieState = (req.cookies as Record<string, string> | undefined)?.[STATE_COOKIE];
    res.clearCookie(STATE_COOKIE, { path: '/api/keap' });
    if (error)
      return this.fail(res, error === 'access_denied' ? 'keap_access_denied' : 'keap_error');
    if (
      !state ||
      !cookieState ||
      !sameSecret(state, cookieState) ||
      !(await this.sessions.consumeOAuthState(state))
    ) {
      return this.fail(res, 'oauth_state_mismatch');
    }
    if (!code) return this.fail(res, 'keap_error');
    let tokens;
    try {
      tokens = await this.grant.exchangeCode(code, this.redirectUri());
    } catch (err) {
      this.logger.warn(`Keap code exchange failed: ${(err as Error).name}`);
      return this.fail(res, 'keap_token_exchange_failed');
    }
    if (!tokens.keapAppName) return this.fail(res, 'keap_app_unknown');
    const account = await this.accounts.upsertByKeapAppName(tokens.keapAppName);
    await this.tokens.store(account.id, tokens);
    const { id, session } = await this.sessions.create(account.id);
    setSessionCookies(res, this.config, id, session.csrfToken);
    this.logger.log(`Keap connected for account ${account.id}`);
    res.redirect(302, this.config.CONSOLE_URL);
  }

  redirectUri(): string {
    return `${this.config.PUBLIC_URL.replace(/\/$/, '')}/api/keap/callback`;
  }

  private fail(res: Response, code: string): void {
    const url = new URL(this.config.CONSOLE_URL);
    url.searchParams.set('error', code);
    res.redirect(302, url.toString());
  }
}

function oneParam(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 2048 ? value : undefined;
}
