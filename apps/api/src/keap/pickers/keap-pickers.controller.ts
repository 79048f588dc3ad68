import { Body, Controller, Get, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiBodyFrom, ApiErrors, ApiQueryFrom, schemaRef } from '../../openapi/api-schemas';
import { createFieldBody, createTagBody, pickerQuery } from './keap-pickers.dto';
import { CurrentAccountId, SessionGuard } from '../../session/session.guard';
import { type FieldOption, KeapPickersService, type TagOption } from './keap-pickers.service';

@ApiTags('keap')
@ApiCookieAuth('sms_session')
@Controller('keap')
@UseGuards(SessionGuard)
export class KeapPickersController {
  constructor(private readonly pickers: KeapPickersService) {}

  @Get('fields')
  @ApiQueryFrom(pickerQuery)
  @ApiOkResponse({ schema: schemaRef('FieldList') })
  @ApiErrors(400, 403, 409, 503)
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

  @Post('fields')
  @ApiOperation({
    summary:
      'Creates a contact custom field in Keap ("+" beside the field picker); the field list has it at once. 409 keap_field_exists when a field of that label exists.',
  })
  @ApiBodyFrom(createFieldBody)
  @ApiCreatedResponse({ schema: schemaRef('FieldOption') })
  @ApiErrors(400, 403, 409, 503)
  createField(@CurrentAccountId() accountId: string, @Body() body: unknown): Promise<FieldOption> {
    return this.pickers.createField(accountId, createFieldBody.parse(body));
  }

  @Get('tags')
  @ApiQueryFrom(pickerQuery)
  @ApiOkResponse({ schema: schemaRef('TagList') })
  @ApiErrors(400, 403, 409, 503)
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
  @ApiOperation({ summary: 'Creates a tag in Keap ("create tag" in the pickers).' })
  @ApiBodyFrom(createTagBody)
  @ApiCreatedResponse({ schema: schemaRef('TagOption') })
  @ApiErrors(400, 403, 409, 503)
  createTag(@CurrentAccountId() accountId: string, @Body() body: unknown): Promise<TagOption> {
    return this.pickers.createTag(accountId, createTagBody.parse(body).name);
  }
}
