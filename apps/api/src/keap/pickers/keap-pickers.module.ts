import { Module } from '@nestjs/common';
import { KeapCrmModule } from '../crm/keap-crm.module';
import { KeapAuthModule } from '../auth/keap-auth.module';
import { SessionModule } from '../../session/session.module';
import { KeapPickersController } from './keap-pickers.controller';
import { KeapPickersService } from './keap-pickers.service';

/** Keap field and tag pickers (cached per account) and "create tag". */
@Module({
  // KeapCrmModule: KeapCrmProvider, whose field model cache the field picker reads and refreshes.
  imports: [KeapAuthModule, SessionModule, KeapCrmModule],
  controllers: [KeapPickersController],
  providers: [KeapPickersService],
  exports: [KeapPickersService],
})
export class KeapPickersModule {}
