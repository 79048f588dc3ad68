import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import { type ToolAnalytics, ToolAnalyticsService } from './tool-analytics.service';

@ApiTags('tools')
@ApiCookieAuth('sms_session')
@Controller('tools')
@UseGuards(SessionGuard)
export class ToolAnalyticsController {
  constructor(private readonly analytics: ToolAnalyticsService) {}

  @Get(':id/analytics')
  @ApiQuery({ name: 'versionId', required: false, description: 'Default: the published version' })
  get(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
    @Query('versionId') versionId?: string,
  ): Promise<ToolAnalytics> {
    return this.analytics.forTool(accountId, id, versionId || undefined);
  }
}
