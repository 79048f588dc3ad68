import { Module } from '@nestjs/common';
import { SessionModule } from '../session/session.module';
import { ToolsModule } from '../tools/tools.module';
import { ToolAnalyticsController } from './tool-analytics.controller';
import { ToolAnalyticsRepository } from './tool-analytics.repository';
import { ToolAnalyticsService } from './tool-analytics.service';

/** Per-step funnel analytics per tool version. */
@Module({
  imports: [SessionModule, ToolsModule],
  controllers: [ToolAnalyticsController],
  providers: [ToolAnalyticsService, ToolAnalyticsRepository],
})
export class AnalyticsModule {}
