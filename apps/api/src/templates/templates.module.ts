import { Module } from '@nestjs/common';
import { KeapPickersModule } from '../keap/pickers/keap-pickers.module';
import { SessionModule } from '../session/session.module';
import { ToolsModule } from '../tools/tools.module';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

/** Ready sequences (templates) and "Use this template". */
@Module({
  imports: [SessionModule, KeapPickersModule, ToolsModule],
  controllers: [TemplatesController],
  providers: [TemplatesService],
})
export class TemplatesModule {}
