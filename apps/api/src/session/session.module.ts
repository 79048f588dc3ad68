import { Module } from '@nestjs/common';
import { SessionController } from './session.controller';
import { SessionGuard } from './session.guard';
import { SessionStore } from './session.store';

/** Console sign-in: sessions in Redis, the guard every console route uses, CSRF double-submit. */
@Module({
  controllers: [SessionController],
  providers: [SessionStore, SessionGuard],
  exports: [SessionStore, SessionGuard],
})
export class SessionModule {}
