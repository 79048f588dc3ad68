import { Body, Controller, Get, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import { type FieldOption, KeapPickersService, type TagOption } from './keap-pickers.service';

const pickerQuery = z.object({
  refresh: z
    .enum(['0', '1', 'true', 'false'], { error: 'refresh must be 1 or 0' })
    .optional()
    .transform((v) => v === '1' || v === 'true'),
});
const createTagBody = z.object({ name: z.string().trim().min(1, 'give the tag a name').max(100) });

@ApiTags('keap')
@ApiCookieAuth('sms_session')
@Controller('keap')
@UseGuards(SessionGuard)
export class KeapPickersController {
  constructor(private readonly pickers: KeapPickersService) {}

  @Get('fields')
  @ApiQuery({ name: 'refresh', required: false, description: '1 reads the fields from Keap again' })
  @ApiOperation({
    summary:
      'stale: true when Keap did not answer and the last known list is shown; 503 keap_unavailable when there is none.',
  })
  async fields(
    @CurrentAccountId() accountId: string,
    @Query() query: unknown,
  ): Promise<{ fields: FieldOption[]; stale?: true }> {
    const list = await this.pickers.fields(accountId, pickerQuery.parse(query).refresh);
    return { fields: list.items, ...(list.stale ? { stale: true as const } : {}) };
  }

  @Get('tags')
  @ApiQuery({ name: 'refresh', required: false, description: '1 reads the tags from Keap again' })
  @ApiOperation({
    summary:
      'stale: true when Keap did not answer and the last known list is shown; 503 keap_unavailable when there is none.',
  })
  async tags(
    @CurrentAccountId() accountId: string,
    @Query() query: unknown,
  ): Promise<{ tags: TagOption[]; stale?: true }> {
    const list = await this.pickers.tags(accountId, pickerQuery.parse(query).refresh);
    return { tags: list.items, ...(list.stale ? { stale: true as const } : {}) };
  }

  @Post('tags')
  createTag(@CurrentAccountId() accountId: string, @Body() body: unknown): Promise<TagOption> {
    return this.pickers.createTag(accountId, createTagBody.parse(body).name);
  }
}
