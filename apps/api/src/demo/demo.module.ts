import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeapAuthModule } from '../keap/auth/keap-auth.module';
import { Tool } from '../tools/tool.entity';
import { ToolsModule } from '../tools/tools.module';
import { TwilioConnectionModule } from '../twilio/connection/twilio-connection.module';
import { DemoSeedService } from './demo-seed.service';

/** Try-it-now mode: the demo account, connected to the sandbox, with a published demo tool. */
@Module({
  imports: [TypeOrmModule.forFeature([Tool]), KeapAuthModule, TwilioConnectionModule, ToolsModule],
  providers: [DemoSeedService],
  exports: [DemoSeedService],
})
export class DemoModule {}
