import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  describeChanges,
  hasErrors,
  newToolDefinition,
  normaliseKeyword,
  parseToolDefinition,
  type Problem,
  sameDefinition,
  type ToolDefinition,
  validateTool,
} from '@sms-seq/engine';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { AccountService } from '../accounts/account.service';
import { InvalidInputError, NotFoundError } from '../errors/domain-error';
import { KeapDisconnectedError } from '../keap/auth/keap-disconnected.error';
import { REVOKED_REASON } from '../keap/auth/keap-tokens.service';
import { KeapPickersService } from '../keap/pickers/keap-pickers.service';
import { TwilioSendersService } from '../twilio/connection/twilio-senders.service';
import { senderKey } from '@sms-seq/engine';
import {
  type PublishResult,
  type SenderWarning,
  timeZoneProblem,
  type ToolDetail,
  type ToolSummary,
  type ToolVersionDetail,
  type VersionHistoryEntry,
  type VersionSummary,
} from './tool.dto';
import {
  InvalidToolDefinitionError,
  KeywordTakenError,
  NothingToDiscardError,
  NothingToPublishError,
  SenderNotInTwilioAccountError,
  StaleDraftError,
  ToolHasProblemsError,
} from './tool.errors';
import { SecretBox } from '../crypto/secret-box';
import { isUuid } from '../database/is-uuid';
import { httpPostInstructions, openUrlSecret, sealUrlSecret, toolUrl } from './tool-url';
import type { Tool } from './tool.entity';
import { ToolRepository } from './tool.repository';
import type { ToolVersion } from './tool-version.entity';

export function newUrlSecret(): string {
  return randomBytes(24).toString('base64url');
}

const PG_UNIQUE_VIOLATION = '23505';

/**
 * Tools of one account: drafts validated on every save, publishing into immutable versions.
 * Every query is scoped by the signed-in account; another account's tool is "not found".
 */
@Injectable()
export class ToolService {
  private readonly logger = new Logger(ToolService.name);

  constructor(
    private readonly tools: ToolRepository,
    private readonly pickers: KeapPickersService,
    private readonly senders: TwilioSendersService,
    private readonly accounts: AccountService,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `timeZone`: where "today" of conversationsToday starts (an IANA zone, checked by the caller). */
  async list(accountId: string, timeZone = 'UTC'): Promise<ToolSummary[]> {
    const tools = await this.tools.ofAccount(accountId);
    const versionIds = tools.map((t) => t.publishedVersionId).filter((id): id is string => !!id);
    const versions = versionIds.length ? await this.tools.versionsByIds(accountId, versionIds) : [];
    const byId = new Map(versions.map((v) => [v.id, v]));
    const today = await this.conversationsToday(accountId, timeZone);
    return tools.map((t) => {
      const published = t.publishedVersionId ? byId.get(t.publishedVersionId) : undefined;
      return {
        id: t.id,
        name: t.name,
        status: published ? 'published' : 'draft',
        publishedVersion: published?.version ?? null,
        hasUnpublishedChanges: !published || !sameDefinition(t.draft, published.definition),
        enabled: t.enabled,
        sender: t.draft.sender,
        keyword: t.draft.keyword,
        startMode: t.draft.startMode,
        liveSender: published?.definition.sender ?? null,
        liveKeyword: published ? t.liveKeyword : null,
        conversationsToday: today.get(t.id) ?? 0,
      };
    });
  }

  async create(accountId: string, name: string): Promise<ToolDetail> {
    return this.insert(accountId, newToolDefinition(name));
  }

  /** Import: every schema problem listed and nothing saved, or a new draft tool. */
  async import(accountId: string, definition: unknown): Promise<ToolDetail> {
    const parsed = parseToolDefinition(definition);
    if (!parsed.ok) throw new InvalidToolDefinitionError(parsed.problems);
    return this.insert(accountId, parsed.tool);
  }

  /** A new draft tool from a definition already built (a template). */
  async createDraft(accountId: string, definition: ToolDefinition): Promise<ToolDetail> {
    return this.insert(accountId, definition);
  }

  async get(accountId: string, toolId: string): Promise<ToolDetail> {
    return this.detail(await this.find(accountId, toolId));
  }

  async find(accountId: string, toolId: string): Promise<Tool> {
    if (!isUuid(toolId)) throw toolNotFound();
    const tool = await this.tools.toolOf(accountId, toolId);
    if (!tool) throw toolNotFound();
    return tool;
  }

  /** Saves the draft even with problems; refuses only JSON that does not fit the schema, and stale revisions. */
  async update(
    accountId: string,
    toolId: string,
    draft: unknown,
    draftRevision: number,
  ): Promise<ToolDetail> {
    await this.find(accountId, toolId);
    const parsed = parseToolDefinition(draft);
    if (!parsed.ok) throw new InvalidToolDefinitionError(parsed.problems);
    if (!(await this.tools.saveDraft(accountId, toolId, parsed.tool, draftRevision)))
      throw new StaleDraftError();
    return this.get(accountId, toolId);
  }

  async remove(accountId: string, toolId: string): Promise<void> {
    const tool = await this.find(accountId, toolId);
    await this.tools.softDelete(accountId, tool.id);
  }

  async setEnabled(accountId: string, toolId: string, enabled: boolean): Promise<ToolDetail> {
    const tool = await this.find(accountId, toolId);
    // Disabling always works; turning a tool on while Keap is disconnected would only fail later.
    if (enabled) await this.assertKeapConnected(accountId);
    await this.tools.setEnabled(accountId, tool.id, enabled);
    return this.get(accountId, toolId);
  }

  async rotateUrlSecret(accountId: string, toolId: string): Promise<ToolDetail> {
    const tool = await this.find(accountId, toolId);
    await this.tools.setUrlSecret(
      accountId,
      tool.id,
      sealUrlSecret(this.box, tool.id, newUrlSecret()),
    );
    return this.get(accountId, toolId);
  }

  /** The published versions, newest first, each with who published it and what it changed. */
  async listVersions(accountId: string, toolId: string): Promise<VersionHistoryEntry[]> {
    const tool = await this.find(accountId, toolId);
    const versions = await this.tools.versionsOf(accountId, tool.id);
    return versions.map((v, i) => historyEntry(v, versions[i + 1] ?? null, tool));
  }

  /** One published version, read-only, with its definition. */
  async getVersion(
    accountId: string,
    toolId: string,
    versionId: string,
  ): Promise<ToolVersionDetail> {
    const tool = await this.find(accountId, toolId);
    const version = await this.versionOfTool(tool, versionId);
    const previous = await this.tools.versionBefore(accountId, tool.id, version.version);
    return { ...historyEntry(version, previous, tool), definition: version.definition };
  }

  /**
   * Makes a published version the draft again (publish to make it live). Like a save, over the
   * revision the console loaded: 409 when the draft changed since.
   */
  async restoreVersion(
    accountId: string,
    toolId: string,
    versionId: string,
    draftRevision: number,
  ): Promise<ToolDetail> {
    const tool = await this.find(accountId, toolId);
    const version = await this.versionOfTool(tool, versionId);
    return this.replaceDraft(tool, version.definition, draftRevision);
  }

  /** Throws the draft's unpublished changes away: the draft becomes the live version again. */
  async discardDraft(
    accountId: string,
    toolId: string,
    draftRevision: number,
  ): Promise<ToolDetail> {
    const tool = await this.find(accountId, toolId);
    const live = tool.publishedVersionId
      ? await this.tools.versionById(accountId, tool.publishedVersionId)
      : null;
    if (!live) throw new NothingToDiscardError();
    return this.replaceDraft(tool, live.definition, draftRevision);
  }

  async findVersion(accountId: string, toolId: string, versionId: string): Promise<ToolVersion> {
    return this.versionOfTool(await this.find(accountId, toolId), versionId);
  }

  /**
   * Publishing makes an immutable version; refused (422) with the problems while there are errors,
   * and (409) when the draft is the live version already. `publishedBy`: who is signed in.
   */
  async publish(
    accountId: string,
    toolId: string,
    publishedBy: string | null = null,
  ): Promise<PublishResult> {
    const tool = await this.find(accountId, toolId);
    await this.assertKeapConnected(accountId);
    const problems = await this.problemsOf(tool, 'publish');
    if (hasErrors(problems)) throw new ToolHasProblemsError(problems);
    const definition = tool.draft;
    const liveKeyword =
      definition.startMode === 'keyword_or_http' && definition.keyword
        ? normaliseKeyword(definition.keyword)
        : null;
    if (definition.sender && !(await this.senders.owns(accountId, definition.sender)))
      throw new SenderNotInTwilioAccountError(definition.sender);
    let version: ToolVersion | { unchanged: number };
    try {
      version = await this.tools.publishVersion(accountId, tool.id, definition, {
        liveSenderKey: definition.sender ? senderKey(definition.sender) : null,
        liveKeyword,
        publishedBy,
      });
    } catch (err) {
      if ((err as { code?: string }).code === PG_UNIQUE_VIOLATION && liveKeyword)
        throw new KeywordTakenError(liveKeyword);
      throw err;
    }
    if ('unchanged' in version) throw new NothingToPublishError(version.unchanged);
    return {
      ...versionSummary(version),
      warnings: await this.connectSender(accountId, tool.id, definition),
    };
  }

  /**
   * Texts to the tool's sender must reach us: the number's webhook or the messaging service's
   * inbound request URL is pointed at this app. A Twilio hiccup here does not undo the publish;
   * it comes back as a warning the user can act on, as does a messaging service without sticky
   * sender (a contact could get each step from a different number of the pool).
   */
  private async connectSender(
    accountId: string,
    toolId: string,
    definition: ToolDefinition,
  ): Promise<SenderWarning[]> {
    const sender = definition.sender;
    if (!sender) return [];
    try {
      if (sender.kind === 'phone_number') {
        await this.senders.pointNumberAtApp(accountId, sender.phoneNumber);
        return [];
      }
      const service = await this.senders.pointServiceAtApp(accountId, sender.messagingServiceSid);
      return service.stickySender ? [] : [stickySenderOff(service.friendlyName)];
    } catch (err) {
      this.logger.warn(
        `Could not point the ${sender.kind} of tool ${toolId} at this app: ${(err as Error).name}: ${(err as Error).message}`,
      );
      const what =
        sender.kind === 'phone_number'
          ? `the number ${sender.phoneNumber}`
          : `the messaging service ${sender.messagingServiceSid}`;
      return [
        {
          path: ['sender'],
          severity: 'warning',
          code: 'sender_not_connected',
          message: `Published, but Twilio did not let us point ${what} at this app, so texts to it may not arrive. Check it in Twilio, then press “Point it back” beside it under Connections.`,
        },
      ];
    }
  }

  private async versionOfTool(tool: Tool, versionId: string): Promise<ToolVersion> {
    if (!isUuid(versionId)) throw versionNotFound();
    const version = await this.tools.versionOf(tool.accountId, tool.id, versionId);
    if (!version) throw versionNotFound();
    return version;
  }

  private async replaceDraft(
    tool: Tool,
    draft: ToolDefinition,
    draftRevision: number,
  ): Promise<ToolDetail> {
    if (!(await this.tools.saveDraft(tool.accountId, tool.id, draft, draftRevision)))
      throw new StaleDraftError();
    return this.get(tool.accountId, tool.id);
  }

  /** A disconnected account (revoked Keap grant) cannot put tools live: 409 with the reason. */
  private async assertKeapConnected(accountId: string): Promise<void> {
    const account = await this.accounts.get(accountId);
    if (account.status === 'disconnected')
      throw new KeapDisconnectedError(accountId, account.statusReason ?? REVOKED_REASON);
  }

  private async insert(accountId: string, definition: ToolDefinition): Promise<ToolDetail> {
    // The id is chosen here: the sealed URL secret is bound to it.
    const id = randomUUID();
    const tool = await this.tools.create({
      id,
      accountId,
      name: definition.name,
      draft: definition,
      urlSecretSealed: sealUrlSecret(this.box, id, newUrlSecret()),
      enabled: true,
    });
    return this.get(accountId, tool.id);
  }

  private async detail(tool: Tool): Promise<ToolDetail> {
    const published = tool.publishedVersionId
      ? await this.tools.versionById(tool.accountId, tool.publishedVersionId)
      : null;
    return {
      id: tool.id,
      name: tool.name,
      draft: tool.draft,
      draftRevision: tool.draftRevision,
      problems: await this.problemsOf(tool, 'draft'),
      publishedVersion: published ? versionSummary(published) : null,
      hasUnpublishedChanges: !published || !sameDefinition(tool.draft, published.definition),
      enabled: tool.enabled,
      toolUrl: toolUrl(
        this.config.PUBLIC_URL,
        tool.id,
        openUrlSecret(this.box, tool.id, tool.urlSecretSealed),
      ),
      httpPostInstructions: httpPostInstructions(),
    };
  }

  /** The engine's problems, with the account's context: other live keywords on the sender, custom fields. */
  private async problemsOf(tool: Tool, purpose: 'draft' | 'publish'): Promise<Problem[]> {
    const sender = tool.draft.sender;
    const otherKeywordsOnSender = sender
      ? await this.tools.liveKeywordsOnSender(tool.accountId, senderKey(sender), tool.id)
      : [];
    const customFieldKeys = await this.pickers.cachedCustomFieldKeys(tool.accountId);
    return validateTool(tool.draft, {
      purpose,
      otherKeywordsOnSender,
      ...(customFieldKeys ? { customFieldKeys } : {}),
    });
  }

  /** Conversations per tool started since midnight in the zone (PostgreSQL's own zone rules). */
  private async conversationsToday(
    accountId: string,
    timeZone: string,
  ): Promise<Map<string, number>> {
    try {
      return await this.tools.conversationsToday(accountId, timeZone);
    } catch (err) {
      // A zone the browser knows and PostgreSQL's zone data does not (22023).
      if ((err as { driverError?: { code?: string } }).driverError?.code === '22023')
        throw new InvalidInputError(timeZoneProblem, { timeZone });
      throw err;
    }
  }
}

function stickySenderOff(serviceName: string): SenderWarning {
  return {
    path: ['sender'],
    severity: 'warning',
    code: 'sticky_sender_off',
    message: `Sticky sender is off on the messaging service "${serviceName}": a contact may get each text from a different number, and replies to another number may not continue the conversation. Turn on Sticky Sender for the service in Twilio.`,
  };
}

function versionSummary(v: ToolVersion): VersionSummary {
  return { id: v.id, version: v.version, publishedAt: v.publishedAt.toISOString() };
}

function historyEntry(
  v: ToolVersion,
  previous: ToolVersion | null,
  tool: Pick<Tool, 'publishedVersionId'>,
): VersionHistoryEntry {
  return {
    ...versionSummary(v),
    publishedBy: v.publishedBy,
    live: v.id === tool.publishedVersionId,
    changes: previous ? describeChanges(previous.definition, v.definition) : [],
  };
}

function versionNotFound(): NotFoundError {
  return new NotFoundError('The tool version', 'tool_version_not_found');
}

function toolNotFound(): NotFoundError {
  return new NotFoundError('The tool', 'tool_not_found');
}
