import { Controller, Get, Inject, Logger, Query, Req, Res } from '@nestjs/common';
import { KeapAuthError, KeapError, KeapGrantRevokedError } from '@sms-seq/crm-keap';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AccountService } from '../../accounts/account.service';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { InvalidInputError } from '../../errors/domain-error';
import { ApiErrors } from '../../openapi/api-schemas';
import { RateLimited } from '../../rate-limit/rate-limit.guard';
import { OAuthStates } from '../../session/oauth-state';
import { secureCookies, setSessionCookies } from '../../session/session-cookies';
import { SessionStore } from '../../session/session.store';
import { KeapClientFactory } from './keap-client.factory';
import { KeapTokenGrant } from './keap-token-grant';
import { KeapTokensService } from './keap-tokens.service';

const STATE_COOKIE = 'sms_oauth_state';

/** Why "Connect Keap" did not finish: the codes the console maps to its own sentences. */
export const SIGN_IN_ERRORS = {
  keap_access_denied: 'Access was not allowed on Keap’s page. Connect Keap again and press Allow.',
  oauth_state_mismatch:
    'The sign-in expired or was started in another browser or tab. Connect Keap again from this page.',
  keap_code_rejected:
    'Keap no longer accepts this sign-in (it was used already or took too long). Connect Keap again.',
  keap_unavailable: 'Keap did not answer. Wait a minute, then connect Keap again.',
  keap_app_misconfigured:
    'Keap refused this app’s sign-in request: its Keap client settings are wrong. Contact whoever runs SMS Sequences for your company.',
  keap_app_unknown:
    'Keap did not say which Keap app was connected. Connect Keap again and pick your app.',
  keap_error: 'Keap stopped the sign-in with an error. Connect Keap again.',
} as const;
export type SignInError = keyof typeof SIGN_IN_ERRORS;

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
    private readonly states: OAuthStates,
    private readonly clients: KeapClientFactory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('connect')
  @RateLimited('keap-connect')
  @ApiOperation({ summary: '"Connect Keap": starts the sign-in at Keap\'s consent page.' })
  @ApiResponse({
    status: 302,
    description:
      "To Keap's consent page (Location), with a state bound to this browser (the sms_oauth_state cookie).",
  })
  @ApiErrors(429)
  connect(@Res() res: Response): void {
    // Signed, stored nowhere; bound to this browser, so a callback started elsewhere is refused.
    const { state, cookie } = this.states.issue();
    res.cookie(STATE_COOKIE, cookie, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies(this.config),
      maxAge: 10 * 60 * 1000,
      path: '/api/keap',
    });
    res.redirect(302, this.grant.authorizeUrl(state, this.redirectUri()));
  }

  @Get('callback')
  @RateLimited('keap-callback')
  @ApiOperation({
    summary:
      'Where Keap sends the browser back: on success the session cookies are set (sms_session, httpOnly; sms_csrf) and the browser goes to the console.',
  })
  @ApiQuery({ name: 'code', required: false, description: "Keap's authorization code" })
  @ApiQuery({ name: 'state', required: false, description: 'The state /api/keap/connect issued' })
  @ApiQuery({ name: 'error', required: false, description: "Keap's error (access_denied, …)" })
  @ApiQuery({ name: 'error_description', required: false })
  @ApiResponse({
    status: 302,
    description: `To the console. When the sign-in did not finish: \`?error=<code>&error_description=<what to do>\`, code one of ${Object.keys(
      SIGN_IN_ERRORS,
    ).join(', ')}.`,
  })
  @ApiErrors(400, 429)
  async callback(
    @Query('code') codeParam: unknown,
    @Query('state') stateParam: unknown,
    @Query('error') errorParam: unknown,
    @Query('error_description') descriptionParam: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // Keap sends each once; anything else (repeated, too long) is not Keap's answer to our request.
    const code = oneParam(codeParam);
    const state = oneParam(stateParam);
    const error = errorParam === undefined ? undefined : (oneParam(errorParam) ?? 'invalid');
    const cookie = (req.cookies as Record<string, unknown> | undefined)?.[STATE_COOKIE];
    res.clearCookie(STATE_COOKIE, { path: '/api/keap' });
    const check = this.states.check(state, cookie);
    if (check === 'malformed_cookie')
      throw new InvalidInputError(
        'This browser’s sign-in cookie was not set by this app, so the sign-in cannot be checked. Connect Keap again from the console.',
      );
    const stateOk = check === 'valid';
    if (error) {
      // Keap's own words only on an answer to this browser's request: anyone can craft a link.
      const said = stateOk ? safeDescription(descriptionParam) : null;
      this.logger.warn(`Keap sign-in answered ${safeDescription(error) ?? 'an error'}`);
      return this.fail(res, keapRedirectError(error), said);
    }
    if (!stateOk) return this.fail(res, 'oauth_state_mismatch');
    if (!code) return this.fail(res, 'keap_error');
    let tokens;
    try {
      tokens = await this.grant.exchangeCode(code, this.redirectUri());
    } catch (err) {
      this.logger.warn(`Keap code exchange failed: ${(err as Error).name}`);
      return this.fail(res, codeExchangeError(err));
    }
    if (!tokens.keapAppName) return this.fail(res, 'keap_app_unknown');
    const account = await this.accounts.upsertByKeapAppName(tokens.keapAppName);
    await this.tokens.store(account.id, tokens);
    const { id, session } = await this.sessions.create(
      account.id,
      await this.signedInUser(account.id),
    );
    setSessionCookies(res, this.config, id, session.csrfToken);
    this.logger.log(`Keap connected for account ${account.id}`);
    res.redirect(302, this.config.CONSOLE_URL);
  }

  /**
   * Who signed in (Keap's userinfo: the name, else the email), kept in the session so the versions
   * they publish say by whom. Sign-in goes on without it when Keap does not say.
   */
  private async signedInUser(accountId: string): Promise<string | null> {
    try {
      const info = await this.clients
        .clientFor(accountId, 'interactive', { maxAttempts: 1 })
        .getUserInfo();
      const name = [info.given_name, info.family_name]
        .map((part) => part?.trim())
        .filter(Boolean)
        .join(' ');
      return (name || info.email?.trim() || '').slice(0, 120) || null;
    } catch (err) {
      this.logger.warn(`Keap did not say who signed in: ${(err as Error).name}`);
      return null;
    }
  }

  redirectUri(): string {
    return `${this.config.PUBLIC_URL.replace(/\/$/, '')}/api/keap/callback`;
  }

  /** Back to the console with `?error=<code>&error_description=<what to do>` (see SIGN_IN_ERRORS). */
  private fail(res: Response, code: SignInError, keapSaid: string | null = null): void {
    const url = new URL(this.config.CONSOLE_URL);
    url.searchParams.set('error', code);
    url.searchParams.set(
      'error_description',
      keapSaid ? `${SIGN_IN_ERRORS[code]} Keap said: "${keapSaid}".` : SIGN_IN_ERRORS[code],
    );
    res.redirect(302, url.toString());
  }
}

/** Keap's `error` on the redirect (RFC 6749 §4.1.2.1) in our words. */
function keapRedirectError(error: string): SignInError {
  switch (error) {
    case 'access_denied':
      return 'keap_access_denied';
    case 'server_error':
    case 'temporarily_unavailable':
      return 'keap_unavailable';
    case 'invalid_request':
    case 'unauthorized_client':
    case 'unsupported_response_type':
    case 'invalid_scope':
      return 'keap_app_misconfigured';
    default:
      return 'keap_error';
  }
}

/** The code exchange's typed failure (packages/crm-keap) in our words. */
function codeExchangeError(err: unknown): SignInError {
  if (err instanceof KeapGrantRevokedError) return 'keap_code_rejected';
  if (err instanceof KeapError && err.retryable) return 'keap_unavailable';
  if (err instanceof KeapAuthError) return 'keap_app_misconfigured';
  return 'keap_error';
}

/** Printable text only, at most 200 characters; null when nothing is left. */
function safeDescription(value: unknown): string | null {
  const text = oneParam(value)
    ?.replace(/[^\p{L}\p{N}\p{P}\p{Zs}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return text ? text : null;
}

function oneParam(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 2048 ? value : undefined;
}
