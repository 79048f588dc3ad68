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
  ApiParam,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiBodyFrom, ApiErrors, ApiQueryFrom, schemaRef } from '../openapi/api-schemas';
import type { SimulationResult } from '@sms-seq/engine';
import type { Response } from 'express';
import { CurrentAccountId, CurrentUserName, SessionGuard } from '../session/session.guard';
import { SimulatorService } from './simulator.service';
import {
  createToolBody,
  enabledBody,
  type PublishResult,
  importToolBody,
  replaceDraftBody,
  simulateBody,
  type ToolDetail,
  toolListQuery,
  type ToolSummary,
  type ToolVersionDetail,
  updateToolBody,
  type VersionHistoryEntry,
} from './tool.dto';
import { ToolService } from './tool.service';
import type { ToolFile, ToolImportResult } from './tool-file.dto';
import { ToolFileService } from './tool-file.service';

@ApiTags('tools')
@ApiCookieAuth('sms_session')
@Controller('tools')
@UseGuards(SessionGuard)
export class ToolController {
  constructor(
    private readonly tools: ToolService,
    private readonly files: ToolFileService,
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
      properties: {
        definition: schemaRef('ToolDefinitionInput'),
        createMissingTags: {
          type: 'boolean',
          description:
            'A file from another Keap app: create the tags this app lacks (true) or leave them out (false); unset, 409 asks.',
        },
        fieldMap: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description:
            "The file's custom field key → the field to use here, for each field a 409 import_needs_choices asked about.",
        },
      },
    },
  })
  @ApiCreatedResponse({ schema: schemaRef('ToolImportResult') })
  @ApiErrors(400, 409, 503)
  @ApiOperation({
    summary:
      'Creates a draft tool from an exported file; 400 lists every problem and saves nothing. A file from another Keap app has its tags mapped by name and custom fields by label (mapped says how); 409 import_needs_choices when a tag is missing and createMissingTags is unset, or a field matches none or several (details: an ImportQuestions): nothing is created.',
  })
  import(@CurrentAccountId() accountId: string, @Body() body: unknown): Promise<ToolImportResult> {
    const { definition, ...choices } = importToolBody.parse(body);
    return this.files.import(accountId, definition, choices);
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
      'Publishes the draft as a new immutable version, recording who is signed in; 422 tool_has_problems with the problems; 409 nothing_to_publish when the draft is the live version already.',
  })
  publish(
    @CurrentAccountId() accountId: string,
    @CurrentUserName() userName: string | null,
    @Param('id') id: string,
  ): Promise<PublishResult> {
    return this.tools.publish(accountId, id, userName);
  }

  @Get(':id/versions')
  @ApiOkResponse({ schema: schemaRef('VersionList') })
  @ApiErrors(404)
  @ApiOperation({
    summary:
      'The published versions, newest first: when, by whom, and what each changed from the one before, in words.',
  })
  async versions(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
  ): Promise<{ versions: VersionHistoryEntry[] }> {
    return { versions: await this.tools.listVersions(accountId, id) };
  }

  @Get(':id/versions/:versionId')
  @ApiParam({ name: 'versionId', description: 'A version id from the version list' })
  @ApiOkResponse({ schema: schemaRef('ToolVersionDetail') })
  @ApiErrors(404)
  @ApiOperation({ summary: 'One published version, read-only, with its definition.' })
  version(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
    @Param('versionId') versionId: string,
  ): Promise<ToolVersionDetail> {
    return this.tools.getVersion(accountId, id, versionId);
  }

  @Post(':id/versions/:versionId/restore')
  @HttpCode(200)
  @ApiParam({ name: 'versionId', description: 'A version id from the version list' })
  @ApiBodyFrom(replaceDraftBody)
  @ApiOkResponse({ schema: schemaRef('ToolDetail') })
  @ApiErrors(400, 404, 409)
  @ApiOperation({
    summary:
      'Makes a published version the draft (publish to make it live); 409 stale_draft when draftRevision is not the current one.',
  })
  restore(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
    @Param('versionId') versionId: string,
    @Body() body: unknown,
  ): Promise<ToolDetail> {
    const { draftRevision } = replaceDraftBody.parse(body);
    return this.tools.restoreVersion(accountId, id, versionId, draftRevision);
  }

  @Post(':id/draft/discard')
  @HttpCode(200)
  @ApiBodyFrom(replaceDraftBody)
  @ApiOkResponse({ schema: schemaRef('ToolDetail') })
  @ApiErrors(400, 404, 409)
  @ApiOperation({
    summary:
      'Throws the unpublished changes away: the draft becomes the live version again; 409 nothing_to_discard for a tool never published, stale_draft when draftRevision is not the current one.',
  })
  discard(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<ToolDetail> {
    const { draftRevision } = replaceDraftBody.parse(body);
    return this.tools.discardDraft(accountId, id, draftRevision);
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
    schema: schemaRef('ToolFile'),
    description:
      'The tool definition as a file (Content-Disposition: attachment), with keap: the names of its tags and custom fields, so another Keap app can import it.',
  })
  @ApiErrors(404)
  async export(
    @CurrentAccountId() accountId: string,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ToolFile> {
    const { name, file } = await this.files.exportFile(accountId, id);
    const fileName = `${name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'tool'}.json`;
    res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    return file;
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
