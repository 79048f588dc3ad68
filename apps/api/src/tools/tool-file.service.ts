import { Injectable, Logger } from '@nestjs/common';
import {
  parseToolDefinition,
  type TagId,
  type ToolDefinition,
  withKeapReferences,
} from '@sms-seq/engine';
import { AccountService } from '../accounts/account.service';
import { InvalidInputError } from '../errors/domain-error';
import { KeapPickersService } from '../keap/pickers/keap-pickers.service';
import {
  type ImportMapping,
  type ToolFile,
  toolFileKeapSchema,
  type ToolImportResult,
} from './tool-file.dto';
import {
  type AccountKeap,
  type ImportChoices,
  type ImportMisses,
  keapNamesOf,
  planImport,
} from './tool-file';
import { ImportNeedsChoicesError, InvalidToolDefinitionError } from './tool.errors';
import { ToolService } from './tool.service';

/**
 * Tools as files that move between Keap apps: the export names the tags and custom fields the
 * tool uses; an import from another app maps them to this app's own by those names.
 */
@Injectable()
export class ToolFileService {
  private readonly logger = new Logger(ToolFileService.name);

  constructor(
    private readonly tools: ToolService,
    private readonly pickers: KeapPickersService,
    private readonly accounts: AccountService,
  ) {}

  /** The draft as it is, plus the names; names Keap could not give are left out, never the file. */
  async exportFile(accountId: string, toolId: string): Promise<{ name: string; file: ToolFile }> {
    const tool = await this.tools.find(accountId, toolId);
    const account = await this.accounts.get(accountId);
    const [tags, fields] = await Promise.all([
      this.orNull('tags', () => this.pickers.tags(accountId)),
      this.orNull('fields', () => this.pickers.fields(accountId)),
    ]);
    const keap = keapNamesOf(tool.draft, account.keapAppName, tags, fields);
    return { name: tool.name, file: { ...tool.draft, keap } };
  }

  /**
   * A new draft from a file. From this app, or without names, it is imported as it is; from
   * another app its tags and fields are mapped first (409 import_needs_choices when the person
   * must choose). Nothing is created, tags included, until every choice is made.
   */
  async import(
    accountId: string,
    file: unknown,
    choices: ImportChoices,
  ): Promise<ToolImportResult> {
    const parsed = parseToolDefinition(file);
    if (!parsed.ok) throw new InvalidToolDefinitionError(parsed.problems);
    const raw = (file as { keap?: unknown }).keap;
    if (raw === undefined) return this.created(accountId, parsed.tool, []);
    const names = toolFileKeapSchema.safeParse(raw);
    if (!names.success)
      throw new InvalidInputError(
        'The Keap names in the file cannot be read. Export the tool again and import the new file.',
      );
    const account = await this.accounts.get(accountId);
    if (names.data.app === account.keapAppName) return this.created(accountId, parsed.tool, []);

    // The cached lists first; a list is read from Keap again only when a name missed in it, so a
    // tag made in Keap since is found, not created twice.
    const cached = await this.keapOf(accountId, { tags: false, fields: false });
    let plan = planImport(parsed.tool, names.data, cached, choices);
    if (plan.misses.tags || plan.misses.fields)
      plan = planImport(
        parsed.tool,
        names.data,
        await this.keapOf(accountId, plan.misses),
        choices,
      );
    if (plan.kind === 'ask') throw new ImportNeedsChoicesError(plan.questions);

    const created = new Map<string, TagId>();
    const tags = new Map<TagId, TagId | null>();
    for (const [id, to] of plan.tags) {
      if (to === null || typeof to === 'number') {
        tags.set(id, to);
        continue;
      }
      const key = to.create.toLowerCase();
      let made = created.get(key);
      if (made === undefined) {
        made = (await this.pickers.createTag(accountId, to.create)).id;
        created.set(key, made);
      }
      tags.set(id, made);
    }
    const definition = withKeapReferences(parsed.tool, { tags, fields: plan.fields });
    return this.created(accountId, definition, plan.mapped);
  }

  private async created(
    accountId: string,
    definition: ToolDefinition,
    mapped: ImportMapping[],
  ): Promise<ToolImportResult> {
    return { ...(await this.tools.import(accountId, definition)), mapped };
  }

  private async keapOf(accountId: string, refresh: ImportMisses): Promise<AccountKeap> {
    const [tags, fields] = await Promise.all([
      this.pickers.tags(accountId, refresh.tags),
      this.pickers.fields(accountId, refresh.fields),
    ]);
    return { tags: tags.items, fields: fields.items };
  }

  private async orNull<T>(what: string, read: () => Promise<{ items: T[] }>): Promise<T[] | null> {
    try {
      return (await read()).items;
    } catch (err) {
      this.logger.warn(
        `Exporting without the names of the ${what}: ${(err as Error).name}: ${(err as Error).message}`,
      );
      return null;
    }
  }
}
