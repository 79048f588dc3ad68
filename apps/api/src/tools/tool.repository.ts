import { Injectable } from '@nestjs/common';
import { sameDefinition, type StepId, type ToolDefinition } from '@sms-seq/engine';
import { DataSource, type EntityManager, In, IsNull, LessThan, Not } from 'typeorm';
import type { AccountStatus } from '../accounts/account.entity';
import { Tool } from './tool.entity';
import { ToolVersion } from './tool-version.entity';

/** What the tool URL checks before it accepts a campaign's start (ToolRepository.toolUrlStarts). */
export interface ToolUrlStart {
  id: string;
  accountId: string;
  urlSecretSealed: string;
  publishedVersionId: string | null;
  liveSenderKey: string | null;
  enabled: boolean;
  accountStatus: AccountStatus;
  accountStatusReason: string | null;
  /** False when the published version's row is missing. */
  publishedVersionFound: boolean;
  /** The published version's steps, in order (asked for: `withSteps`; otherwise empty). */
  steps: { id: StepId; name: string }[];
}

/**
 * Tools and their published versions (`tools`, `tool_versions`).
 * Every method takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class ToolRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The account's tools, oldest first. */
  ofAccount(accountId: string, m?: EntityManager): Promise<Tool[]> {
    return this.manager(m)
      .getRepository(Tool)
      .find({ where: { accountId }, order: { createdAt: 'ASC' } });
  }

  toolOf(accountId: string, toolId: string, m?: EntityManager): Promise<Tool | null> {
    return this.manager(m)
      .getRepository(Tool)
      .findOne({ where: { id: toolId, accountId } });
  }

  /** The tool with this live keyword (normalised) on any of the account's senders. */
  byLiveKeyword(accountId: string, liveKeyword: string, m?: EntityManager): Promise<Tool | null> {
    return this.manager(m).getRepository(Tool).findOne({ where: { accountId, liveKeyword } });
  }

  create(
    tool: Pick<Tool, 'id' | 'accountId' | 'name' | 'draft' | 'urlSecretSealed' | 'enabled'>,
    m?: EntityManager,
  ): Promise<Tool> {
    const tools = this.manager(m).getRepository(Tool);
    return tools.save(tools.create(tool));
  }

  /** Saves the draft over revision `draftRevision`; false when that is not the current one. */
  async saveDraft(
    accountId: string,
    toolId: string,
    draft: ToolDefinition,
    draftRevision: number,
    m?: EntityManager,
  ): Promise<boolean> {
    const result = await this.manager(m)
      .getRepository(Tool)
      .createQueryBuilder()
      .update(Tool)
      .set({
        draft,
        name: draft.name,
        draftRevision: () => 'draft_revision + 1',
      })
      .where(
        'id = :toolId AND account_id = :accountId AND draft_revision = :draftRevision AND deleted_at IS NULL',
        {
          toolId,
          accountId,
          draftRevision,
        },
      )
      .execute();
    return !!result.affected;
  }

  async softDelete(accountId: string, toolId: string, m?: EntityManager): Promise<void> {
    const tools = this.manager(m).getRepository(Tool);
    // The live keyword is released so another tool may take it.
    await tools.update(
      { id: toolId, accountId },
      { liveKeyword: null, liveSenderKey: null, enabled: false },
    );
    await tools.softDelete({ id: toolId, accountId });
  }

  async setEnabled(
    accountId: string,
    toolId: string,
    enabled: boolean,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m).getRepository(Tool).update({ id: toolId, accountId }, { enabled });
  }

  async setUrlSecret(
    accountId: string,
    toolId: string,
    urlSecretSealed: string,
    m?: EntityManager,
  ): Promise<void> {
    await this.manager(m)
      .getRepository(Tool)
      .update({ id: toolId, accountId }, { urlSecretSealed });
  }

  /** The keywords other live tools of the account answer to on this sender. */
  async liveKeywordsOnSender(
    accountId: string,
    liveSenderKey: string,
    exceptToolId: string,
    m?: EntityManager,
  ): Promise<string[]> {
    const others = await this.manager(m)
      .getRepository(Tool)
      .find({
        where: {
          accountId,
          liveSenderKey,
          id: Not(exceptToolId),
          liveKeyword: Not(IsNull()),
        },
        select: { id: true, liveKeyword: true },
      });
    return others.map((t) => t.liveKeyword ?? '').filter(Boolean);
  }

  /**
   * The account's published tools that have a sender, by name. Paused ones count; deleted tools
   * have no live sender.
   */
  publishedWithSender(
    accountId: string,
    m?: EntityManager,
  ): Promise<Pick<Tool, 'id' | 'name' | 'liveSenderKey'>[]> {
    return this.manager(m)
      .getRepository(Tool)
      .find({
        where: { accountId, publishedVersionId: Not(IsNull()), liveSenderKey: Not(IsNull()) },
        select: { id: true, name: true, liveSenderKey: true },
        order: { name: 'ASC', createdAt: 'ASC' },
      });
  }

  /**
   * Conversations per tool started since midnight in the zone (PostgreSQL's own zone rules). A
   * zone PostgreSQL does not know fails with 22023.
   */
  async conversationsToday(
    accountId: string,
    timeZone: string,
    m?: EntityManager,
  ): Promise<Map<string, number>> {
    const rows: { tool_id: string; n: number }[] = await this.manager(m).query(
      `SELECT tool_id, count(*)::int AS n FROM conversations
          WHERE account_id = $1 AND started_at >= (date_trunc('day', now() AT TIME ZONE $2) AT TIME ZONE $2)
          GROUP BY tool_id`,
      [accountId, timeZone],
    );
    return new Map(rows.map((r) => [r.tool_id, r.n]));
  }

  versionById(
    accountId: string,
    versionId: string,
    m?: EntityManager,
  ): Promise<ToolVersion | null> {
    return this.manager(m)
      .getRepository(ToolVersion)
      .findOne({ where: { id: versionId, accountId } });
  }

  versionsByIds(
    accountId: string,
    versionIds: string[],
    m?: EntityManager,
  ): Promise<ToolVersion[]> {
    return this.manager(m)
      .getRepository(ToolVersion)
      .find({ where: { id: In(versionIds), accountId } });
  }

  versionOf(
    accountId: string,
    toolId: string,
    versionId: string,
    m?: EntityManager,
  ): Promise<ToolVersion | null> {
    return this.manager(m)
      .getRepository(ToolVersion)
      .findOne({ where: { id: versionId, toolId, accountId } });
  }

  /** The tool's versions, newest first. */
  versionsOf(accountId: string, toolId: string, m?: EntityManager): Promise<ToolVersion[]> {
    return this.manager(m)
      .getRepository(ToolVersion)
      .find({ where: { toolId, accountId }, order: { version: 'DESC' } });
  }

  /** The version published just before `version` (what it changed from); null for the first. */
  versionBefore(
    accountId: string,
    toolId: string,
    version: number,
    m?: EntityManager,
  ): Promise<ToolVersion | null> {
    return this.manager(m)
      .getRepository(ToolVersion)
      .findOne({
        where: { toolId, accountId, version: LessThan(version) },
        order: { version: 'DESC' },
      });
  }

  /**
   * Makes `definition` the tool's next version and points the tool (its live sender and keyword)
   * at it; `{ unchanged }` (the live version's number) when it is what is live already, checked
   * under the tool's lock so two publishes of one draft make one version. A live keyword another
   * tool has on the sender fails with PostgreSQL's 23505.
   */
  publishVersion(
    accountId: string,
    toolId: string,
    definition: ToolDefinition,
    live: Pick<Tool, 'liveSenderKey' | 'liveKeyword'> & Pick<ToolVersion, 'publishedBy'>,
    m?: EntityManager,
  ): Promise<ToolVersion | { unchanged: number }> {
    return this.manager(m).transaction(async (em) => {
      // Row lock: two publishes of one tool never take the same version number.
      const locked = await em
        .getRepository(Tool)
        .createQueryBuilder('t')
        .setLock('pessimistic_write')
        .where('t.id = :id', { id: toolId })
        .getOne();
      const current = locked?.publishedVersionId
        ? await em.getRepository(ToolVersion).findOneBy({ id: locked.publishedVersionId })
        : null;
      if (current && sameDefinition(current.definition, definition))
        return { unchanged: current.version };
      const last = await em.getRepository(ToolVersion).maximum('version', { toolId });
      const saved = await em.getRepository(ToolVersion).save(
        em.getRepository(ToolVersion).create({
          toolId,
          accountId,
          version: (last ?? 0) + 1,
          definition,
          publishedBy: live.publishedBy,
        }),
      );
      await em.getRepository(Tool).update(
        { id: toolId, accountId },
        {
          publishedVersionId: saved.id,
          liveSenderKey: live.liveSenderKey,
          liveKeyword: live.liveKeyword,
        },
      );
      return saved;
    });
  }

  findById(toolId: string, m?: EntityManager): Promise<Tool | null> {
    return this.manager(m).getRepository(Tool).findOneBy({ id: toolId });
  }

  /** A version's definition (versions are immutable); throws when there is no such version. */
  async versionDefinition(versionId: string, m?: EntityManager): Promise<ToolDefinition> {
    const version = await this.manager(m)
      .getRepository(ToolVersion)
      .findOneByOrFail({ id: versionId });
    return version.definition;
  }

  /**
   * The live tool whose keyword (normalised) is `keyword` on the sender, with its published
   * version and whether its account is active; null when none.
   */
  async keywordTool(
    accountId: string,
    senderKey: string,
    keyword: string,
    m?: EntityManager,
  ): Promise<{ id: string; versionId: string; accountActive: boolean } | null> {
    const rows: { id: string; version_id: string; active: boolean }[] = await this.manager(m).query(
      `SELECT t.id, t.published_version_id AS version_id, a.status = 'active' AS active
         FROM tools t JOIN accounts a ON a.id = t.account_id
        WHERE t.account_id = $1 AND t.live_sender_key = $2 AND t.live_keyword = $3
          AND t.deleted_at IS NULL AND t.enabled AND t.published_version_id IS NOT NULL
        LIMIT 1`,
      [accountId, senderKey, keyword],
    );
    const row = rows[0];
    return row ? { id: row.id, versionId: row.version_id, accountActive: row.active } : null;
  }

  /**
   * What the tool URL needs to accept a start, for many posts in one round trip: each tool (not
   * deleted), its account's status and, when `withSteps`, the published version's step ids and
   * names (not the whole definition; otherwise none). By id; a tool that does not exist is absent.
   */
  async toolUrlStarts(
    toolIds: readonly string[],
    withSteps: boolean,
    m?: EntityManager,
  ): Promise<Map<string, ToolUrlStart>> {
    const rows: {
      id: string;
      account_id: string;
      url_secret: string;
      published_version_id: string | null;
      live_sender_key: string | null;
      enabled: boolean;
      account_status: AccountStatus;
      account_status_reason: string | null;
      version_found: boolean;
      steps: { id: StepId; name: string }[] | null;
    }[] = await this.manager(m).query(
      `SELECT t.id, t.account_id, t.url_secret, t.published_version_id, t.live_sender_key,
              t.enabled, a.status AS account_status, a.status_reason AS account_status_reason,
              v.id IS NOT NULL AS version_found,
              CASE WHEN $2::boolean THEN
                (SELECT jsonb_agg(jsonb_build_object('id', s->>'id', 'name', coalesce(s->>'name', ''))
                                  ORDER BY n)
                   FROM jsonb_array_elements(v.definition->'steps') WITH ORDINALITY AS e(s, n))
              END AS steps
         FROM tools t
         JOIN accounts a ON a.id = t.account_id
         LEFT JOIN tool_versions v ON v.id = t.published_version_id
        WHERE t.id = ANY($1::uuid[]) AND t.deleted_at IS NULL`,
      [[...new Set(toolIds)], withSteps],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          accountId: row.account_id,
          urlSecretSealed: row.url_secret,
          publishedVersionId: row.published_version_id,
          liveSenderKey: row.live_sender_key,
          enabled: row.enabled,
          accountStatus: row.account_status,
          accountStatusReason: row.account_status_reason,
          publishedVersionFound: row.version_found,
          steps: row.steps ?? [],
        },
      ]),
    );
  }

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }
}
