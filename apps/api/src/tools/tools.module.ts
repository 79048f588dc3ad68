import { Module } from '@nestjs/common';
import { KeapPickersModule } from '../keap/pickers/keap-pickers.module';
import { SessionModule } from '../session/session.module';
import { SimulatorService } from './simulator.service';
import { TwilioConnectionModule } from '../twilio/connection/twilio-connection.module';
import { ToolController } from './tool.controller';
import { ToolService } from './tool.service';
import { ToolFileService } from './tool-file.service';
import { ToolSenderUsage } from './tool-sender-usage';
import { ToolDataModule } from './tool-data.module';

@Module({
  imports: [SessionModule, KeapPickersModule, TwilioConnectionModule, ToolDataModule],
  controllers: [ToolController],
  providers: [ToolService, ToolFileService, SimulatorService, ToolSenderUsage],
  exports: [ToolService, ToolDataModule],
})
export class ToolsModule {}
