import { Injectable, Logger } from '@nestjs/common';
import type { StepId } from '@sms-seq/engine';
import DataLoader from 'dataloader';
import { SecretBox } from '../crypto/secret-box';
import { isUuid } from '../database/is-uuid';
import type { HttpStartPayload } from '../outbox/outbox-entry.entity';
import { OutboxRepository } from '../outbox/outbox.repository';
import { StartRelay } from '../outbox/start-relay';
import { type ToolUrlStart, ToolRepository } from '../tools/tool.repository';
import { urlSecretMatches } from '../tools/tool-url';
import {
  ContactIdInvalidError,
  StartStepUnknownError,
  ToolNotStartableError,
  ToolUrlNotFoundError,
} from './http-post-start.errors';
import { REFUSED_HTTP_START_CODES } from '../refused-starts/refused-http-start.entity';
import { RefusedStartRepository } from '../refused-starts/refused-start.repository';

function parseContactId(raw: unknown): number {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null || value === '') {
    throw new ContactIdInvalidError(
      'The campaign sent no contact id. In its "Send HTTP Post", add the name "contactId" with the value "~Contact.Id~".',
    );
  }
  // JSON may bring an object or a boolean; String() of an object can even throw.
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  const id = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) {
    throw new ContactIdInvalidError(
      `The campaign sent ${text ? `"${text.slice(0, 40)}"` : 'something other than a number'} as the contact id, which is not a Keap contact id (a whole number). In its "Send HTTP Post", give "contactId" the value "~Contact.Id~".`,
    );
  }
  return id;
}

/** The start step the campaign asked for (`step`: an id or a name), trimmed; null when none. */
function requestedStep(rawStep: unknown): string | null {
  const value = Array.isArray(rawStep) ? rawStep[0] : rawStep;
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  return text === '' ? null : text;
}

/**
 * Posts read in the same turn of the event loop share their round trips (a campaign's burst comes
 * as many posts at once): the batch runs once those callbacks are done (setImmediate).
 */
const SAME_TURN = {
  cache: false,
  batchScheduleFn: (run: () => void) => setImmediate(run),
  maxBatchSize: 500,
} as const;

/**
 * The campaign HTTP Post start: checked and stored at once (202); the queue performs it (the
 * contact read and the first text: conversations/tool-start.service.ts). The posts that arrive
 * together cost one read (their tools, accounts, steps) and one insert; their jobs are queued in
 * batches (StartRelay).
 */
@Injectable()
export class HttpPostStartService {
  private readonly logger = new Logger('HttpPostStart');

  private readonly toolsToStart = new DataLoader<
    { toolId: string; withSteps: boolean },
    ToolUrlStart | null
  >(async (keys) => {
    const found = await this.tools.toolUrlStarts(
      keys.map((k) => k.toolId),
      keys.some((k) => k.withSteps),
    );
    return keys.map((k) => found.get(k.toolId) ?? null);
  }, SAME_TURN);

  private readonly starts = new DataLoader<
    { accountId: string; payload: HttpStartPayload },
    string
  >((starts) => this.outbox.acceptHttpStarts(starts), SAME_TURN);

  constructor(
    private readonly relay: StartRelay,
    private readonly box: SecretBox,
    private readonly tools: ToolRepository,
    private readonly outbox: OutboxRepository,
    private readonly refusedStarts: RefusedStartRepository,
  ) {}

  async accept(
    toolId: string,
    secret: string,
    rawContactId: unknown,
    rawStep: unknown,
  ): Promise<string> {
    if (!isUuid(toolId)) throw new ToolUrlNotFoundError();
    const tool = await this.toolsToStart.load({
      toolId,
      withSteps: requestedStep(rawStep) !== null,
    });
    if (!tool || !urlSecretMatches(this.box, tool.id, tool.urlSecretSealed, secret))
      throw new ToolUrlNotFoundError();
    const contactId = parseContactId(rawContactId);
    try {
      return await this.acceptFor(tool, contactId, rawStep);
    } catch (err) {
      // The account is known (tool and secret right): the campaign's start is kept for the
      // console, because nobody reads Keap's answer. Keap is answered as before.
      if (err instanceof ToolNotStartableError || err instanceof StartStepUnknownError)
        await this.keepRefusal(tool, contactId, rawStep, err);
      throw err;
    }
  }

  private async acceptFor(
    tool: ToolUrlStart,
    contactId: number,
    rawStep: unknown,
  ): Promise<string> {
    if (!tool.publishedVersionId || !tool.liveSenderKey) {
      throw new ToolNotStartableError(
        'tool_not_published',
        'This tool is not published yet. Publish it in the console, then run the campaign again.',
      );
    }
    if (!tool.enabled) {
      throw new ToolNotStartableError(
        'tool_disabled',
        'This tool is switched off. Switch it on in the console to start conversations.',
      );
    }
    if (tool.accountStatus !== 'active') {
      const reason = tool.accountStatusReason;
      const why = reason ? ` (${reason.replace(/[.\s]+$/, '')})` : '';
      throw new ToolNotStartableError(
        'account_disconnected',
        `The Keap account of this tool is disconnected${why}. Reconnect Keap in the console, then run the campaign again.`,
      );
    }
    if (!tool.publishedVersionFound)
      throw new Error(
        `The published version ${tool.publishedVersionId} of tool ${tool.id} is missing`,
      );
    const startStepId = this.startStep(tool.steps, rawStep);
    const payload: HttpStartPayload = {
      toolId: tool.id,
      toolVersionId: tool.publishedVersionId,
      senderKey: tool.liveSenderKey,
      contactId,
      startStepId,
      receivedAt: new Date().toISOString(),
    };
    const id = await this.starts.load({ accountId: tool.accountId, payload });
    this.relay.wake(id); // committed: queued within milliseconds, or by the outbox relay
    return id;
  }

  private async keepRefusal(
    tool: ToolUrlStart,
    contactId: number,
    rawStep: unknown,
    err: ToolNotStartableError | StartStepUnknownError,
  ): Promise<void> {
    const code = REFUSED_HTTP_START_CODES.find((c) => c === err.code);
    if (!code) return;
    try {
      await this.refusedStarts.record({
        accountId: tool.accountId,
        toolId: tool.id,
        contactId,
        startStep: requestedStep(rawStep)?.slice(0, 200) ?? null,
        code,
        reason: err.message,
      });
    } catch (failure) {
      // Keap still gets its answer; the console just misses this one.
      this.logger.warn(
        `A refused HTTP Post start of tool ${tool.id} (${code}) could not be kept: ${failure instanceof Error ? failure.message : String(failure)}`,
      );
    }
  }

  private startStep(steps: ToolUrlStart['steps'], rawStep: unknown): StepId | null {
    const wanted = requestedStep(rawStep);
    if (wanted === null) return null;
    const step =
      steps.find((s) => s.id === wanted) ??
      steps.find((s) => s.name.trim().toLowerCase() === wanted.toLowerCase());
    if (!step) {
      const names = steps.map((s) => `"${s.name || s.id}"`).join(', ');
      throw new StartStepUnknownError(
        `This tool has no step "${wanted.slice(0, 80)}". Its steps are: ${names}.`,
      );
    }
    return step.id;
  }
}
