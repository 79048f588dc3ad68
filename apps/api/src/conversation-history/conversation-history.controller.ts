import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import { ConversationHistoryService } from './conversation-history.service';

const listQuery = z.object({
  toolId: z.string().optional(),
  status: z.string().optional(),
  phone: z.string().optional(),
  q: z.string().trim().min(1).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

@ApiTags('conversations')
@ApiCookieAuth('sms_session')
@Controller('conversations')
@UseGuards(SessionGuard)
export class ConversationHistoryController {
  constructor(private readonly history: ConversationHistoryService) {}

  @Get()
  list(@CurrentAccountId() accountId: string, @Query() query: unknown) {
    return this.history.list(accountId, listQuery.parse(query));
  }

  @Get(':id')
  detail(@CurrentAccountId() accountId: string, @Param('id') id: string) {
    return this.history.detail(accountId, id);
  }

  @Post(':id/end')
  @HttpCode(200)
  end(@CurrentAccountId() accountId: string, @Param('id') id: string) {
    return this.history.end(accountId, id);
  }
}
