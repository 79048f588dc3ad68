import { Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, schemaRef } from '../openapi/api-schemas';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import type { ToolDetail } from '../tools/tool.dto';
import type { ToolTemplateView } from './template.dto';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@ApiCookieAuth('sms_session')
@Controller('templates')
@UseGuards(SessionGuard)
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOkResponse({ schema: schemaRef('ToolTemplateList') })
  list(): { templates: ToolTemplateView[] } {
    return { templates: this.templates.list() };
  }

  @Post(':id/use')
  @ApiOperation({
    summary:
      "Creates a draft tool from the template; its tags are the account's Keap tags of the same names, created where missing.",
  })
  @ApiCreatedResponse({ schema: schemaRef('ToolDetail') })
  @ApiErrors(403, 404, 409, 503)
  use(@CurrentAccountId() accountId: string, @Param('id') id: string): Promise<ToolDetail> {
    return this.templates.use(accountId, id);
  }
}
