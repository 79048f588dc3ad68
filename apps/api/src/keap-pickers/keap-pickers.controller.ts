import { Body, Controller, Get, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import { type FieldOption, KeapPickersService, type TagOption } from './keap-pickers.service';

const createTagBody = z.object({ name: z.string().trim().min(1, 'give the tag a name').max(100) });

@ApiTags('keap')
@ApiCookieAuth('sms_session')
@Controller('keap')
@UseGuards(SessionGuard)
export class KeapPickersController {
  constructor(private readonly pickers: KeapPickersService) {}

  @Get('fields')
  @ApiQuery({ name: 'refresh', required: false, description: '1 reads the fields from Keap again' })
  async fields(@CurrentAccountId() accountId: string, @Query('refresh') refresh?: string): Promise<{ fields: FieldOption[] }> {
    return { fields: await this.pickers.fields(accountId, refresh === '1' || refresh === 'true') };
  }

  @Get('tags')
  @ApiQuery({ name: 'refresh', required: false, description: '1 reads the tags from Keap again' })
  async tags(@CurrentAccountId() accountId: string, @Query('refresh') refresh?: string): Promise<{ tags: TagOption[] }> {
    return { tags: await this.pickers.tags(accountId, refresh === '1' || refresh === 'true') };
  }

  @Post('tags')
  createTag(@CurrentAccountId() accountId: string, @Body() body: unknown): Promise<TagOption> {
    return this.pickers.createTag(accountId, createTagBody.parse(body).name);
  }
}
