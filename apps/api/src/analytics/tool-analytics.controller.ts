import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiQueryFrom, schemaRef } from '../openapi/api-schemas';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import { analyticsQuery, type ToolAnalytics } from './tool-analytics.dto';
import { ToolAnalyticsService } from './tool-analytics.service';

@ApiTags('tools')
@ApiCookieAuth('sms_session')
@Controller('tools')
@UseGuards(SessionGuard)
export class ToolAnalyticsController {
  constructor(private readonly analytics: ToolAnalyticsService) {}

  @Get(':id/analytics')
  @ApiOperation({
    summary:
      'Per-step funnel of all versions (or one) for conversations started in a date range: reached, replied, dropped off, each branch, opted out, expired; the ways from step to step; started and finished.',
  })
  @ApiQueryFrom(analyticsQuery)
  @ApiOkResponse({ schema: schemaRef('ToolAnalytics') })
  @ApiErrors(400, 404)
  get(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
    @Query() query: unknown,
  ): Promise<ToolAnalytics> {
    return this.analytics.forTool(accountId, id, analyticsQuery.parse(query));
  }
}
