import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RateLimited } from '../rate-limit/rate-limit.guard';
import { HttpPostStartService } from './http-post-start.service';

/**
 * The tool URL pasted into a Keap campaign's "Send HTTP Post". Keap sends `contactId` form-encoded;
 * JSON works too. The start step comes from `step` in the query or the body (an id or a name).
 * A start refused for a tool whose URL is right (Keap disconnected, not published, switched off,
 * unknown step) is answered 4xx and also kept for the console's refused starts, since nobody sees
 * Keap's answer; a wrong secret or tool id is answered 404 and kept nowhere.
 */
@ApiExcludeController()
@Controller('hooks/tools')
export class ToolUrlController {
  constructor(private readonly starts: HttpPostStartService) {}

  @Post(':toolId/:secret')
  @HttpCode(202)
  // Per client address, generous (RATE_LIMIT_TOOL_URL_PER_MINUTE): every Keap campaign posts from Keap's few.
  @RateLimited('tool-url')
  async start(
    @Param('toolId') toolId: string,
    @Param('secret') secret: string,
    @Query() query: Record<string, unknown>,
    @Body() body: Record<string, unknown> | undefined,
  ): Promise<{ accepted: true; requestId: string }> {
    const fields = { ...(query ?? {}), ...(body ?? {}) };
    const requestId = await this.starts.accept(toolId, secret, fields.contactId, fields.step);
    return { accepted: true, requestId };
  }
}
