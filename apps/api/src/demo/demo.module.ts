import { Module } from '@nestjs/common';
import { KeapAuthModule } from '../keap/auth/keap-auth.module';
import { ToolsModule } from '../tools/tools.module';
import { TwilioConnectionModule } from '../twilio/connection/twilio-connection.module';
import { DemoSeedService } from './demo-seed.service';

/** Try-it-now mode: the demo account, connected to the sandbox, with a published demo tool. */
@Module({
  // ToolsModule: ToolService, and ToolRepository (through ToolDataModule).
  imports: [KeapAuthModule, TwilioConnectionModule, ToolsModule],
  providers: [DemoSeedService],
  exports: [DemoSeedService],
})
export class DemoModule {}
