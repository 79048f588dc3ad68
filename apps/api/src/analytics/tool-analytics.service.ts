import { Injectable } from '@nestjs/common';
import { describeCondition, type ToolDefinition } from '@sms-seq/engine';
import { ToolService } from '../tools/tool.service';
import { ToolAnalyticsRepository } from './tool-analytics.repository';
import type { StepFunnel, ToolAnalytics } from './tool-analytics.dto';

export type { StepFunnel, ToolAnalytics };

// Outcomes that mean the contact answered the step (see the engine's Outcome).
const REPLY_OUTCOMES = ['matched', 'fallback', 'moved_on', 'reasked', 'resolving_contact'];

/** Per-step funnel of one tool version, counted from the runtime's conversations, messages and events. */
@Injectable()
export class ToolAnalyticsService {
  constructor(
    private readonly counts: ToolAnalyticsRepository,
    private readonly tools: ToolService,
  ) {}

  async forTool(accountId: string, toolId: string, versionId?: string): Promise<ToolAnalytics> {
    const tool = await this.tools.find(accountId, toolId);
    const id = versionId ?? tool.publishedVersionId;
    if (!id)
      return {
        versionId: null,
        steps: funnelOf(tool.draft, new Map(), new Map(), new Map(), new Map()),
        started: 0,
        finished: 0,
      };
    const version = await this.tools.findVersion(accountId, toolId, id);
    const received = await this.counts.received(accountId, version.id);
    const replied = await this.counts.replied(accountId, version.id, REPLY_OUTCOMES);
    const branches = await this.counts.branches(accountId, version.id);
    const ends = await this.counts.ends(accountId, version.id);
    const endsBy = (status: string) =>
      new Map(
        ends.filter((e) => e.status === status && e.step).map((e) => [e.step as string, e.n]),
      );
    const branchMap = new Map<string, Map<string, number>>();
    for (const b of branches) {
      const m = branchMap.get(b.step) ?? new Map<string, number>();
      m.set(b.cond, b.n);
      branchMap.set(b.step, m);
    }
    return {
      versionId: version.id,
      steps: funnelOf(
        version.definition,
        new Map(received.map((r) => [r.step, r.n])),
        new Map(replied.map((r) => [r.step, r.n])),
        branchMap,
        endsBy('opted_out'),
        endsBy('expired'),
      ),
      started: ends.reduce((s, e) => s + e.n, 0),
      finished: ends.filter((e) => e.status === 'finished').reduce((s, e) => s + e.n, 0),
    };
  }
}

/** Pure: the counts laid over the version's steps, every condition listed even at zero. */
export function funnelOf(
  definition: ToolDefinition,
  received: Map<string, number>,
  replied: Map<string, number>,
  branches: Map<string, Map<string, number>>,
  optedOut: Map<string, number>,
  expired: Map<string, number> = new Map(),
): StepFunnel[] {
  return definition.steps.map((step) => {
    const counts = branches.get(step.id) ?? new Map<string, number>();
    const list =
      step.next.kind === 'decide'
        ? [
            ...step.next.conditions.map((c) => ({
              conditionId: c.id,
              label: describeCondition(c),
              count: counts.get(c.id) ?? 0,
            })),
            {
              conditionId: 'fallback',
              label: 'Nothing matched',
              count: counts.get('fallback') ?? 0,
            },
          ]
        : [];
    return {
      stepId: step.id,
      name: step.name,
      received: received.get(step.id) ?? 0,
      replied: replied.get(step.id) ?? 0,
      branches: list,
      optedOut: optedOut.get(step.id) ?? 0,
      expired: expired.get(step.id) ?? 0,
    };
  });
}
