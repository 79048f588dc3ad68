import { Module } from '@nestjs/common';
import { KeapOAuthTokenGrant } from './keap-oauth-token-grant';
import { KeapTokenGrant } from './keap-token-grant';
import { KeapTokensService } from './keap-tokens.service';

/** Keap OAuth: the grant, and valid access tokens per account for everything that calls Keap. */
@Module({
  providers: [{ provide: KeapTokenGrant, useClass: KeapOAuthTokenGrant }, KeapTokensService],
  exports: [KeapTokensService, KeapTokenGrant],
})
export class KeapAuthModule {}
