import { Injectable } from '@nestjs/common';
import { describeCondition, type Step, type ToolDefinition } from '@sms-seq/engine';
import { ToolRepository } from '../tools/tool.repository';
import { ToolService } from '../tools/tool.service';
import {
  ToolAnalyticsRepository,
  type AnalyticsScope,
  type MoveCount,
} from './tool-analytics.repository';
import type {
  AnalyticsQuery,
  Route,
  RouteCount,
  StepFunnel,
  ToolAnalytics,
} from './tool-analytics.dto';

export type { StepFunnel, ToolAnalytics };

// Outcomes that mean the contact answered the step (see the engine's Outcome).
const REPLY_OUTCOMES = ['matched', 'fallback', 'moved_on', 'reasked', 'resolving_contact'];

/** Per step, how many conversations: each a map from step id to its count. */
export interface FunnelCounts {
  received: Map<string, number>;
  replied: Map<string, number>;
  droppedOff: Map<string, number>;
  optedOut: Map<string, number>;
  expired: Map<string, number>;
  /** Per step, per condition id (or 'fallback'). */
  branches: Map<string, Map<string, number>>;
}

export const NO_COUNTS: FunnelCounts = {
  received: new Map(),
  replied: new Map(),
  droppedOff: new Map(),
  optedOut: new Map(),
  expired: new Map(),
  branches: new Map(),
};

/**
 * A tool's funnel and the ways its conversations went from step to step, counted from the
 * runtime's conversations, messages and events: one version, or all of them (steps and conditions
 * are matched by id, which the editor keeps from version to version), for conversations started in
 * a date range.
 */
@Injectable()
export class ToolAnalyticsService {
  constructor(
    private readonly counts: ToolAnalyticsRepository,
    private readonly tools: ToolService,
    private readonly toolVersions: ToolRepository,
  ) {}

  async forTool(
    accountId: string,
    toolId: string,
    query: AnalyticsQuery = {},
  ): Promise<ToolAnalytics> {
    const tool = await this.tools.find(accountId, toolId);
    const one = query.versionId
      ? await this.tools.findVersion(accountId, tool.id, query.versionId)
      : null;
    const versions = one ? [one] : await this.toolVersions.versionsOf(accountId, tool.id);
    const range = { from: query.from?.toISOString() ?? null, to: query.to?.toISOString() ?? null };
    if (versions.length === 0)
      return {
        versionId: null,
        published: false,
        ...range,
        steps: funnelOf([tool.draft], NO_COUNTS),
        routes: [],
        started: 0,
        finished: 0,
      };
    const scope: AnalyticsScope = {
      accountId,
      toolId: tool.id,
      ...(one ? { versionId: one.id } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
    };
    const [received, replied, moves, endedOnSend, droppedOff, ends] = await Promise.all([
      this.counts.received(scope),
      this.counts.replied(scope, REPLY_OUTCOMES),
      this.counts.moves(scope),
      this.counts.endedOnSend(scope),
      this.counts.droppedOff(scope),
      this.counts.ends(scope),
    ]);
    const endsBy = (status: string) =>
      new Map(
        ends.filter((e) => e.status === status && e.step).map((e) => [e.step as string, e.n]),
      );
    return {
      versionId: one?.id ?? null,
      published: true,
      ...range,
      steps: funnelOf(
        // Newest first: the steps are laid out as the newest version has them.
        [...versions].sort((a, b) => b.version - a.version).map((v) => v.definition),
        {
          received: toMap(received),
          replied: toMap(replied),
          droppedOff: toMap(droppedOff),
          optedOut: endsBy('opted_out'),
          expired: endsBy('expired'),
          branches: branchesOf(moves),
        },
      ),
      routes: routesOf(moves, toMap(endedOnSend)),
      started: ends.reduce((s, e) => s + e.n, 0),
      finished: ends.filter((e) => e.status === 'finished').reduce((s, e) => s + e.n, 0),
    };
  }
}

function toMap(rows: { step: string; n: number }[]): Map<string, number> {
  return new Map(rows.map((r) => [r.step, r.n]));
}

/**
 * Per step and condition (or 'fallback'): the conversations that took it. Summed over where the
 * branch led, which differs only between versions that pointed it elsewhere.
 */
export function branchesOf(moves: MoveCount[]): Map<string, Map<string, number>> {
  const branches = new Map<string, Map<string, number>>();
  for (const move of moves) {
    if (move.step === null || (move.kind !== 'matched' && move.kind !== 'fallback')) continue;
    const key = move.kind === 'fallback' ? 'fallback' : move.cond;
    if (key === null) continue;
    const counts = branches.get(move.step) ?? new Map<string, number>();
    counts.set(key, (counts.get(key) ?? 0) + move.n);
    branches.set(move.step, counts);
  }
  return branches;
}

const ROUTE_OF: Record<string, Route> = {
  started: 'start',
  matched: 'condition',
  fallback: 'fallback',
  moved_on: 'next',
};

/** The ways on, in a stable order: each outcome that moved a conversation, and the closing messages. */
export function routesOf(moves: MoveCount[], endedOnSend: Map<string, number>): RouteCount[] {
  const routes: RouteCount[] = [];
  for (const move of moves) {
    const route = ROUTE_OF[move.kind];
    if (!route || move.step === null) continue;
    routes.push(
      route === 'start'
        ? { fromStepId: null, toStepId: move.step, route, conditionId: null, count: move.n }
        : {
            fromStepId: move.step,
            toStepId: move.next,
            route,
            conditionId: route === 'condition' ? move.cond : null,
            count: move.n,
          },
    );
  }
  for (const [step, n] of endedOnSend)
    routes.push({ fromStepId: step, toStepId: null, route: 'sent', conditionId: null, count: n });
  const key = (r: RouteCount) =>
    [r.fromStepId ?? '', r.route, r.conditionId ?? '', r.toStepId ?? ''].join('\u0000');
  return routes.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Pure: the counts laid over the steps of `definitions` (newest first). The newest one's steps come
 * first, every condition listed even at zero; then steps only older versions had, when counted
 * (marked removed), and conditions only older versions had, when taken.
 */
export function funnelOf(definitions: ToolDefinition[], counts: FunnelCounts): StepFunnel[] {
  const [newest] = definitions;
  if (newest === undefined) return [];
  const counted = (stepId: string) =>
    [counts.received, counts.replied, counts.droppedOff, counts.optedOut, counts.expired].some(
      (m) => (m.get(stepId) ?? 0) > 0,
    ) || (counts.branches.get(stepId)?.size ?? 0) > 0;
  const laidOut: { step: Step; removed: boolean }[] = newest.steps.map((step) => ({
    step,
    removed: false,
  }));
  const seen = new Set(newest.steps.map((s) => s.id));
  for (const older of definitions.slice(1))
    for (const step of older.steps) {
      if (seen.has(step.id) || !counted(step.id)) continue;
      seen.add(step.id);
      laidOut.push({ step, removed: true });
    }
  return laidOut.map(({ step, removed }) => {
    const taken = counts.branches.get(step.id) ?? new Map<string, number>();
    const branches: StepFunnel['branches'] = [];
    const listed = new Set<string>();
    const list = (conditionId: string, label: string) => {
      listed.add(conditionId);
      branches.push({ conditionId, label, count: taken.get(conditionId) ?? 0 });
    };
    if (step.next.kind === 'decide') {
      for (const c of step.next.conditions) list(c.id, describeCondition(c));
      list('fallback', 'Nothing matched');
    }
    // Conditions this version no longer has, worded as the newest version that had them.
    for (const [conditionId, n] of taken) {
      if (listed.has(conditionId) || n === 0) continue;
      if (conditionId === 'fallback') {
        list('fallback', 'Nothing matched');
        continue;
      }
      const old = conditionIn(definitions, step.id, conditionId);
      list(conditionId, old ? `${describeCondition(old)} (removed)` : 'A removed condition');
    }
    return {
      stepId: step.id,
      name: step.name,
      received: counts.received.get(step.id) ?? 0,
      replied: counts.replied.get(step.id) ?? 0,
      droppedOff: counts.droppedOff.get(step.id) ?? 0,
      branches,
      optedOut: counts.optedOut.get(step.id) ?? 0,
      expired: counts.expired.get(step.id) ?? 0,
      removed,
    };
  });
}

function conditionIn(definitions: ToolDefinition[], stepId: string, conditionId: string) {
  for (const definition of definitions) {
    const next = definition.steps.find((s) => s.id === stepId)?.next;
    const found =
      next?.kind === 'decide' ? next.conditions.find((c) => c.id === conditionId) : undefined;
    if (found) return found;
  }
  return undefined;
}
