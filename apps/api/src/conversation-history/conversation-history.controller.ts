import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiQueryFrom, schemaRef } from '../openapi/api-schemas';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import {
  type ConversationDetail,
  conversationListQuery,
  type ConversationRecord,
  type ConversationSummary,
  refusedStartsQuery,
  type RefusedStart,
} from './conversation-history.dto';
import { ConversationHistoryService } from './conversation-history.service';

@ApiTags('conversations')
@ApiCookieAuth('sms_session')
@Controller('conversations')
@UseGuards(SessionGuard)
export class ConversationHistoryController {
  constructor(private readonly history: ConversationHistoryService) {}

  @Get()
  @ApiOperation({ summary: 'The account’s conversations, newest first, filtered and paged.' })
  @ApiQueryFrom(conversationListQuery)
  @ApiOkResponse({ schema: schemaRef('ConversationPage') })
  @ApiErrors(400)
  list(
    @CurrentAccountId() accountId: string,
    @Query() query: unknown,
  ): Promise<{ items: ConversationSummary[]; nextCursor: string | null }> {
    return this.history.list(accountId, conversationListQuery.parse(query));
  }

  @Get('refused-starts')
  @ApiOperation({
    summary:
      'Starts that did not happen, kept with the reason, newest first: keyword texts while Keap was disconnected (kind text), and Keap campaigns’ HTTP Posts to a tool URL that could not start (kind http_post: Keap disconnected, the tool not published or switched off, an unknown step).',
  })
  @ApiQueryFrom(refusedStartsQuery)
  @ApiOkResponse({ schema: schemaRef('RefusedStarts') })
  @ApiErrors(400)
  async refusedStarts(
    @CurrentAccountId() accountId: string,
    @Query() query: unknown,
  ): Promise<{ items: RefusedStart[] }> {
    const { limit } = refusedStartsQuery.parse(query);
    return { items: await this.history.refusedStarts(accountId, limit) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One transcript: the texts in order, the events, the Keap contact.' })
  @ApiOkResponse({ schema: schemaRef('ConversationDetail') })
  @ApiErrors(404)
  detail(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
  ): Promise<ConversationDetail> {
    return this.history.detail(accountId, id);
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ends the conversation by hand (nothing more is sent).' })
  @ApiOkResponse({ schema: schemaRef('ConversationRecord') })
  @ApiErrors(404)
  end(@CurrentAccountId() accountId: string, @Param('id') id: string): Promise<ConversationRecord> {
    return this.history.end(accountId, id);
  }
}
