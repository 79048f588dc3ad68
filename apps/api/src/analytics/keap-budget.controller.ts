import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import {
  type AccountKeapBudgetReport,
  KeapBudgetReportService,
} from './keap-budget-report.service';

const budgetQuery = z.object({
  last: z.coerce
    .number({ error: 'last must be a whole number' })
    .int('last must be a whole number')
    .min(1, 'last must be at least 1')
    .max(1000, 'last must be at most 1000')
    .default(100),
});

@ApiTags('keap')
@ApiCookieAuth('sms_session')
@Controller('keap')
@UseGuards(SessionGuard)
export class KeapBudgetController {
  constructor(private readonly reports: KeapBudgetReportService) {}

  @Get('budget')
  @ApiQuery({
    name: 'last',
    required: false,
    type: Number,
    description:
      'Keap calls per conversation over this many of your latest conversations (default 100, at most 1000)',
  })
  @ApiOperation({
    summary:
      "Keap's shared API budget left (second, minute, day; the pause after a 429) and, for the signed-in account only: its calls by kind today, its tenant budget left, Keap calls per conversation (average and max, by kind, reads and writes), and the fair day (the app's projected use of Keap's day quota, this account's fair share of it and whether its campaign starts are paced now, in words).",
  })
  budget(
    @CurrentAccountId() accountId: string,
    @Query() query: unknown,
  ): Promise<AccountKeapBudgetReport> {
    return this.reports.forAccount(accountId, budgetQuery.parse(query).last);
  }
}
