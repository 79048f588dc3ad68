import { Module } from '@nestjs/common';
import { OAuthStates } from './oauth-state';
import { SessionController } from './session.controller';
import { SessionGuard } from './session.guard';
import { SessionStore } from './session.store';

/** Console sign-in: sessions in Redis, the guard every console route uses, CSRF double-submit, OAuth states. */
@Module({
  controllers: [SessionController],
  providers: [SessionStore, SessionGuard, OAuthStates],
  exports: [SessionStore, SessionGuard, OAuthStates],
})
export class SessionModule {}
