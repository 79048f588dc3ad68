import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiQueryFrom, schemaRef } from '../openapi/api-schemas';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import { optOutListQuery, type OptOutPage } from './opt-outs.dto';
import { OptOutsService } from './opt-outs.service';

@ApiTags('opt-outs')
@ApiCookieAuth('sms_session')
@Controller('opt-outs')
@UseGuards(SessionGuard)
export class OptOutsController {
  constructor(private readonly optOuts: OptOutsService) {}

  @Get()
  @ApiOperation({
    summary:
      'The account’s opted-out numbers, newest first, searchable and paged: when, from which sender, the tool whose conversation it ended, the word texted. Nothing is sent to them from that sender until they text START.',
  })
  @ApiQueryFrom(optOutListQuery)
  @ApiOkResponse({ schema: schemaRef('OptOutPage') })
  @ApiErrors(400)
  list(@CurrentAccountId() accountId: string, @Query() query: unknown): Promise<OptOutPage> {
    return this.optOuts.list(accountId, optOutListQuery.parse(query));
  }
}
