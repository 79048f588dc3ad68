import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiBodyFrom, ApiErrors, ApiQueryFrom, schemaRef } from '../openapi/api-schemas';
import type { SimulationResult, ToolDefinition } from '@sms-seq/engine';
import type { Response } from 'express';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import { SimulatorService } from './simulator.service';
import {
  createToolBody,
  enabledBody,
  type PublishResult,
  importToolBody,
  simulateBody,
  type ToolDetail,
  toolListQuery,
  type ToolSummary,
  updateToolBody,
  type VersionSummary,
} from './tool.dto';
import { ToolService } from './tool.service';

@ApiTags('tools')
@ApiCookieAuth('sms_session')
@Controller('tools')
@UseGuards(SessionGuard)
export class ToolController {
  constructor(
    private readonly tools: ToolService,
    private readonly simulator: SimulatorService,
  ) {}

  @Get()
  @ApiQueryFrom(toolListQuery)
  @ApiOkResponse({ schema: schemaRef('ToolList') })
  @ApiErrors(400)
  async list(
    @CurrentAccountId() accountId: string,
    @Query() query: unknown,
  ): Promise<{ tools: ToolSummary[] }> {
    const { tz } = toolListQuery.parse(query);
    return { tools: await this.tools.list(accountId, tz ?? 'UTC') };
  }

  @Post()
  @ApiCreatedResponse({ schema: schemaRef('ToolDetail') })
  @ApiBodyFrom(createToolBody)
  @ApiErrors(400)
  create(@CurrentAccountId() accountId: string, @Body() body: unknown): Promise<ToolDetail> {
    return this.tools.create(accountId, createToolBody.parse(body).name);
  }

  @Post('import')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['definition'],
      properties: { definition: schemaRef('ToolDefinitionInput') },
    },
  })
  @ApiCreatedResponse({ schema: schemaRef('ToolDetail') })
  @ApiErrors(400)
  @ApiOperation({
    summary:
      'Creates a draft tool from an exported definition; 400 lists every problem and saves nothing.',
  })
  import(@CurrentAccountId() accountId: string, @Body() body: unknown): Promise<ToolDetail> {
    return this.tools.import(accountId, importToolBody.parse(body).definition);
  }

  @Get(':id')
  @ApiOkResponse({ schema: schemaRef('ToolDetail') })
  @ApiErrors(404)
  get(@CurrentAccountId() accountId: string, @Param('id') id: string): Promise<ToolDetail> {
    return this.tools.get(accountId, id);
  }

  @Put(':id')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['draft', 'draftRevision'],
      properties: {
        draft: schemaRef('ToolDefinitionInput'),
        draftRevision: { type: 'integer', minimum: 1 },
      },
    },
  })
  @ApiOkResponse({ schema: schemaRef('ToolDetail') })
  @ApiErrors(400, 404, 409)
  @ApiOperation({
    summary: 'Saves the draft (even with problems); 409 when draftRevision is stale.',
  })
  update(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<ToolDetail> {
    const { draft, draftRevision } = updateToolBody.parse(body);
    return this.tools.update(accountId, id, draft, draftRevision);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; its keyword is free for another tool.' })
  @ApiErrors(404)
  async remove(@CurrentAccountId() accountId: string, @Param('id') id: string): Promise<void> {
    await this.tools.remove(accountId, id);
  }

  @Post(':id/publish')
  @ApiCreatedResponse({ schema: schemaRef('PublishResult') })
  @ApiErrors(404, 409, 422)
  @ApiOperation({
    summary:
      'Publishes the draft as a new immutable version; 422 tool_has_problems with the problems.',
  })
  publish(@CurrentAccountId() accountId: string, @Param('id') id: string): Promise<PublishResult> {
    return this.tools.publish(accountId, id);
  }

  @Get(':id/versions')
  @ApiOkResponse({ schema: schemaRef('VersionList') })
  @ApiErrors(404)
  async versions(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
  ): Promise<{ versions: VersionSummary[] }> {
    return { versions: await this.tools.listVersions(accountId, id) };
  }

  @Post(':id/enabled')
  @HttpCode(200)
  @ApiBodyFrom(enabledBody)
  @ApiOkResponse({ schema: schemaRef('ToolDetail') })
  @ApiErrors(400, 404, 409)
  setEnabled(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<ToolDetail> {
    return this.tools.setEnabled(accountId, id, enabledBody.parse(body).enabled);
  }

  @Get(':id/export')
  @ApiOkResponse({
    schema: schemaRef('ToolDefinition'),
    description: 'The tool definition as a file (Content-Disposition: attachment).',
  })
  @ApiErrors(404)
  async export(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ToolDefinition> {
    const tool = await this.tools.find(accountId, id);
    const file = `${tool.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'tool'}.json`;
    res.setHeader('Content-Disposition', `attachment; filename="${file}"`);
    return tool.draft;
  }

  @Post(':id/url-secret/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new secret in the tool URL: the old URL stops working (paste the new one in Keap).',
  })
  @ApiOkResponse({ schema: schemaRef('ToolDetail') })
  @ApiErrors(404)
  rotate(@CurrentAccountId() accountId: string, @Param('id') id: string): Promise<ToolDetail> {
    return this.tools.rotateUrlSecret(accountId, id);
  }

  @Post(':id/simulate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Runs the draft (or a version) as a pretend contact; sends nothing, never calls Keap.',
  })
  @ApiBodyFrom(simulateBody)
  @ApiOkResponse({ schema: schemaRef('SimulationResult') })
  @ApiErrors(400, 404)
  simulate(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<SimulationResult> {
    return this.simulator.run(accountId, id, simulateBody.parse(body));
  }
}
