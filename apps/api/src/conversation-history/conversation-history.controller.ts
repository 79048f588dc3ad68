import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import { ConversationHistoryService, isCursor } from './conversation-history.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATUSES = [
  'awaiting_reply',
  'awaiting_contact',
  'finished',
  'expired',
  'opted_out',
  'invalid_number',
  'ended',
] as const;
const oneDate = () =>
  z.coerce.date({ error: 'must be a date such as 2026-01-31 or 2026-01-31T09:00:00Z' }).optional();

const listQuery = z.object({
  toolId: z
    .string({ error: 'give one toolId' })
    .regex(UUID, 'must be the id of one of your tools')
    .optional(),
  status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` }).optional(),
  phone: z.string({ error: 'give one phone' }).max(40, 'is too long for a phone number').optional(),
  q: z
    .string({ error: 'give one search' })
    .trim()
    .min(1)
    .max(200, 'is too long: search with at most 200 characters')
    .optional(),
  from: oneDate(),
  to: oneDate(),
  cursor: z
    .string({ error: 'give one cursor' })
    .refine(
      (c) => isCursor(c),
      'is not a cursor this API gave: use nextCursor from the previous page',
    )
    .optional(),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 200' })
    .int()
    .min(1)
    .max(200)
    .default(50),
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
