import { Module } from '@nestjs/common';
import { KeapAuthModule } from '../keap-auth/keap-auth.module';
import { SessionModule } from '../session/session.module';
import { KeapPickersController } from './keap-pickers.controller';
import { KeapPickersService } from './keap-pickers.service';

/** Keap field and tag pickers (cached per account) and "create tag". */
@Module({
  imports: [KeapAuthModule, SessionModule],
  controllers: [KeapPickersController],
  providers: [KeapPickersService],
  exports: [KeapPickersService],
})
export class KeapPickersModule {}
