import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeapPickersModule } from '../keap/pickers/keap-pickers.module';
import { SessionModule } from '../session/session.module';
import { SimulatorService } from './simulator.service';
import { TwilioConnectionModule } from '../twilio/connection/twilio-connection.module';
import { ToolController } from './tool.controller';
import { Tool } from './tool.entity';
import { ToolService } from './tool.service';
import { ToolSenderUsage } from './tool-sender-usage';
import { ToolVersion } from './tool-version.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([Tool, ToolVersion]),
    SessionModule,
    KeapPickersModule,
    TwilioConnectionModule,
  ],
  controllers: [ToolController],
  providers: [ToolService, SimulatorService, ToolSenderUsage],
  exports: [ToolService],
})
export class ToolsModule {}
