import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** Steps, conditions or ends, each with how many conversations (or events) reached it. */
export interface StepCount {
  step: string;
  n: number;
}
export interface BranchCount extends StepCount {
  /** The condition id, or 'fallback'. */
  cond: string;
}
export interface EndCount {
  /** The step the conversation was on (null before the first). */
  step: string | null;
  status: string;
  n: number;
}

// The conversations of one tool version: $1 the account, $2 the version.
const VERSION_CONVERSATIONS = `SELECT id FROM conversations WHERE account_id = $1 AND tool_version_id = $2`;

/**
 * The funnel of a tool version, read from the runtime's conversations, messages and events (a read
 * model: nothing here writes).
 * Every method takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class ToolAnalyticsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Per step: the conversations that were sent the step's text. */
  received(accountId: string, versionId: string, m?: EntityManager): Promise<StepCount[]> {
    return this.manager(m).query(
      `SELECT step_id step, count(DISTINCT conversation_id)::int n FROM messages
       WHERE account_id = $1 AND direction = 'out' AND purpose = 'step' AND step_id IS NOT NULL
         AND conversation_id IN (${VERSION_CONVERSATIONS}) GROUP BY step_id`,
      [accountId, versionId],
    );
  }

  /** Per step: the conversations whose contact answered it (`replyOutcomes`: the engine's outcomes that mean so). */
  replied(
    accountId: string,
    versionId: string,
    replyOutcomes: string[],
    m?: EntityManager,
  ): Promise<StepCount[]> {
    return this.manager(m).query(
      `SELECT detail->>'stepId' step, count(DISTINCT conversation_id)::int n FROM conversation_events
       WHERE type = ANY($3) AND conversation_id IN (${VERSION_CONVERSATIONS}) GROUP BY 1`,
      [accountId, versionId, replyOutcomes],
    );
  }

  /** Per step and condition (or fallback): the replies that took that branch. */
  branches(accountId: string, versionId: string, m?: EntityManager): Promise<BranchCount[]> {
    return this.manager(m).query(
      `SELECT detail->>'stepId' step, CASE WHEN type = 'fallback' THEN 'fallback' ELSE detail->>'conditionId' END cond, count(*)::int n
       FROM conversation_events WHERE type IN ('matched', 'fallback') AND conversation_id IN (${VERSION_CONVERSATIONS}) GROUP BY 1, 2`,
      [accountId, versionId],
    );
  }

  /** Per current step and status: the version's conversations. */
  ends(accountId: string, versionId: string, m?: EntityManager): Promise<EndCount[]> {
    return this.manager(m).query(
      `SELECT current_step_id step, status, count(*)::int n FROM conversations WHERE account_id = $1 AND tool_version_id = $2 GROUP BY 1, 2`,
      [accountId, versionId],
    );
  }

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }
}
