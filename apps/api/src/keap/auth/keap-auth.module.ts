import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { KeapFailureInterceptor } from './keap-failure.interceptor';
import { SessionModule } from '../../session/session.module';
import { KeapClientFactory } from './keap-client.factory';
import { KeapDisconnection } from './keap-disconnection';
import { KeapAuthController } from './keap-auth.controller';
import { KeapOAuthTokenGrant } from './keap-oauth-token-grant';
import { KeapTokenGrant } from './keap-token-grant';
import { KeapTokensService } from './keap-tokens.service';

/** Keap OAuth: connect and callback, and valid access tokens per account for everything that calls Keap. */
@Module({
  imports: [SessionModule],
  controllers: [KeapAuthController],
  providers: [
    { provide: APP_INTERCEPTOR, useClass: KeapFailureInterceptor },
    { provide: KeapTokenGrant, useClass: KeapOAuthTokenGrant },
    KeapTokensService,
    KeapClientFactory,
    KeapDisconnection,
  ],
  exports: [KeapTokensService, KeapClientFactory, KeapTokenGrant],
})
export class KeapAuthModule {}
