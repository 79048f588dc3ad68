import { Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { schemaRef } from '../openapi/api-schemas';
import type { SessionView } from './session.dto';
import type { Response } from 'express';
import { AccountRepository } from '../accounts/account.repository';
import { AccountService } from '../accounts/account.service';
import { connectionHealth } from '../accounts/twilio-connection-health';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { clearSessionCookies } from './session-cookies';
import { CurrentAccountId, SessionGuard, type SessionRequest } from './session.guard';
export type { SessionView };
import { SessionStore } from './session.store';

@ApiTags('session')
@ApiCookieAuth('sms_session')
@Controller('session')
@UseGuards(SessionGuard)
export class SessionController {
  constructor(
    private readonly accounts: AccountService,
    private readonly sessions: SessionStore,
    private readonly connections: AccountRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Who is signed in, and what is connected. */
  @Get()
  @ApiOkResponse({ schema: schemaRef('Session') })
  async current(@CurrentAccountId() accountId: string): Promise<SessionView> {
    const account = await this.accounts.get(accountId);
    const keap = await this.connections.keapConnectionOf(accountId);
    const twilio = await this.connections.twilioConnectionOf(accountId);
    const twilioHealth = twilio ? connectionHealth(twilio) : null;
    return {
      account: {
        id: account.id,
        name: account.name,
        keapAppName: account.keapAppName,
        status: account.status,
        statusReason: account.statusReason,
      },
      keap: {
        connected: !!keap && account.status === 'active',
        expiresAt: keap?.expiresAt.toISOString() ?? null,
      },
      twilio: {
        connected: !!twilio,
        status: twilioHealth?.status ?? null,
        statusReason: twilioHealth?.statusReason ?? null,
        accountSid: twilio?.accountSid ?? null,
        apiKeySid: twilio?.apiKeySid ?? null,
      },
    };
  }

  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Signed out: the session is gone and its cookies cleared.' })
  async logout(
    @Req() req: SessionRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.sessions.destroy(req.session?.id);
    clearSessionCookies(res, this.config);
  }
}
