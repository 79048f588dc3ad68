import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** Steps, conditions or ends, each with how many conversations (or events) reached it. */
export interface StepCount {
  step: string;
  n: number;
}
export interface EndCount {
  /** The step the conversation was on (null before the first). */
  step: string | null;
  status: string;
  n: number;
}
/** A way from one step to the next, as the engine's outcome recorded it. */
export interface MoveCount {
  /** The outcome: started, matched, fallback or moved_on. */
  kind: string;
  /** The step answered (for started: the step it began at). */
  step: string | null;
  cond: string | null;
  next: string | null;
  n: number;
}

/** Which conversations are counted: one tool's, of one version or all, started in [from, to). */
export interface AnalyticsScope {
  accountId: string;
  toolId: string;
  versionId?: string;
  from?: Date;
  to?: Date;
}

// The conversations in scope: $1 the account, $2 the tool, $3 the version (null: all), $4 from, $5 to.
const SCOPE = `SELECT id FROM conversations WHERE account_id = $1 AND tool_id = $2
  AND ($3::uuid IS NULL OR tool_version_id = $3::uuid)
  AND ($4::timestamptz IS NULL OR started_at >= $4::timestamptz)
  AND ($5::timestamptz IS NULL OR started_at < $5::timestamptz)`;

// The engine's outcome of each event in scope: the email step's "what happens next" is recorded
// inside contact_resolved (its `then`), so it is unwrapped to count like any other reply.
const OUTCOME = `CASE WHEN type = 'contact_resolved' THEN detail->'then' ELSE detail END`;
const OUTCOMES = `SELECT conversation_id c, ${OUTCOME} o
  FROM conversation_events WHERE conversation_id IN (${SCOPE})`;

// Outcomes that take a conversation on from the step it was on.
const MOVES = `'matched', 'fallback', 'moved_on'`;

/**
 * The funnel of a tool, read from the runtime's conversations, messages and events (a read
 * model: nothing here writes).
 * Every method takes the EntityManager of the caller's transaction last (default: no transaction).
 */
@Injectable()
export class ToolAnalyticsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Per step: the conversations that were sent the step's text (reached it). */
  received(scope: AnalyticsScope, m?: EntityManager): Promise<StepCount[]> {
    return this.manager(m).query(
      `SELECT step_id step, count(DISTINCT conversation_id)::int n FROM messages
       WHERE account_id = $1 AND direction = 'out' AND purpose = 'step' AND step_id IS NOT NULL
         AND conversation_id IN (${SCOPE}) GROUP BY step_id`,
      params(scope),
    );
  }

  /** Per step: the conversations whose contact answered it (`replyOutcomes`: the engine's outcomes that mean so). */
  replied(scope: AnalyticsScope, replyOutcomes: string[], m?: EntityManager): Promise<StepCount[]> {
    return this.manager(m).query(
      `SELECT o->>'stepId' step, count(DISTINCT c)::int n FROM (${OUTCOMES}) x
       WHERE o->>'kind' = ANY($6) AND o->>'stepId' IS NOT NULL GROUP BY 1`,
      [...params(scope), replyOutcomes],
    );
  }

  /**
   * Per way on (the start, each condition, the fallback, the next step): the conversations that
   * went that way, at least once.
   */
  moves(scope: AnalyticsScope, m?: EntityManager): Promise<MoveCount[]> {
    return this.manager(m).query(
      `SELECT o->>'kind' kind, o->>'stepId' step, o->>'conditionId' cond, o->>'nextStepId' next,
              count(DISTINCT c)::int n
       FROM (${OUTCOMES}) x WHERE o->>'kind' IN ('started', ${MOVES}) GROUP BY 1, 2, 3, 4`,
      params(scope),
    );
  }

  /**
   * Per step: the conversations that finished on it with no reply recorded there: a closing
   * message, which ends the conversation as it is sent.
   */
  endedOnSend(scope: AnalyticsScope, m?: EntityManager): Promise<StepCount[]> {
    return this.manager(m).query(
      `SELECT current_step_id step, count(*)::int n FROM conversations v
       WHERE id IN (${SCOPE}) AND status = 'finished' AND current_step_id IS NOT NULL
         AND NOT EXISTS (
           SELECT 1 FROM conversation_events WHERE conversation_id = v.id
             AND (${OUTCOME})->>'kind' IN (${MOVES}) AND (${OUTCOME})->>'stepId' = v.current_step_id)
       GROUP BY 1`,
      params(scope),
    );
  }

  /**
   * Per step: the conversations that dropped off there: sent the step, then ended on it without
   * finishing (expired, opted out, a number that cannot receive, ended by hand).
   */
  droppedOff(scope: AnalyticsScope, m?: EntityManager): Promise<StepCount[]> {
    return this.manager(m).query(
      `SELECT current_step_id step, count(*)::int n FROM conversations v
       WHERE id IN (${SCOPE}) AND status IN ('expired', 'opted_out', 'invalid_number', 'ended')
         AND EXISTS (
           SELECT 1 FROM messages WHERE conversation_id = v.id AND direction = 'out'
             AND purpose = 'step' AND step_id = v.current_step_id)
       GROUP BY 1`,
      params(scope),
    );
  }

  /** Per current step and status: the conversations in scope. */
  ends(scope: AnalyticsScope, m?: EntityManager): Promise<EndCount[]> {
    return this.manager(m).query(
      `SELECT current_step_id step, status, count(*)::int n FROM conversations
       WHERE id IN (${SCOPE}) GROUP BY 1, 2`,
      params(scope),
    );
  }

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }
}

function params(scope: AnalyticsScope): unknown[] {
  return [
    scope.accountId,
    scope.toolId,
    scope.versionId ?? null,
    scope.from?.toISOString() ?? null,
    scope.to?.toISOString() ?? null,
  ];
}
