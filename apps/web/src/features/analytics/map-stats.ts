import type { ToolDefinition } from '@sms-seq/engine';
import type { Analytics, RouteCount } from '../../api/api.types';
import type { MapStats, RouteKey } from '../sequence-map/map-graph';

// map-graph's edge id (its `edgeId`), written out: importing it would load the map's layout code
// (dagre) with the editor's first chunk, before the map itself is drawn.
const edgeId = (stepKey: string, route: RouteKey) => `${stepKey}:${route}`;

/**
 * The tool's numbers laid over the map of the draft: each step by its id, each way out of a step
 * by the edge the map draws for it (map-graph.ts). Across versions a way counts on an edge only
 * when it is the same way: from the same step, by the same condition id (or the no-match, or the
 * one way on), to the same step (or the finish). A condition since pointed elsewhere starts again
 * from zero rather than showing the old route's traffic on the new arrow.
 */
export function mapStatsOf(tool: ToolDefinition, analytics: Analytics): MapStats {
  const steps = tool.steps ?? [];
  const ids = new Set(steps.map((step) => step.id).filter(Boolean));
  const firstIndex = new Map<string, number>();
  steps.forEach((step, index) => {
    if (step.id && !firstIndex.has(step.id)) firstIndex.set(step.id, index);
  });
  // As map-graph keys them: a step by its id, unless the id is empty or repeats an earlier one's.
  const keyOf = (index: number) => {
    const id = steps[index]?.id;
    return id && firstIndex.get(id) === index ? id : `step-${index}`;
  };
  // Where a route goes as the engine records it: a step of the tool, or null for the finish.
  const to = (stepId: string | null | undefined) =>
    stepId !== null && stepId !== undefined && ids.has(stepId) ? stepId : null;
  const took = (match: (route: RouteCount) => boolean) =>
    analytics.routes.filter(match).reduce((sum, route) => sum + route.count, 0);

  const counted = new Map(analytics.steps.map((step) => [step.stepId, step]));
  const nodes: MapStats['nodes'] = {};
  const edges: MapStats['edges'] = {};
  steps.forEach((step, index) => {
    const key = keyOf(index);
    const own = counted.get(step.id);
    nodes[key] = {
      reached: own?.received ?? 0,
      replied: own?.replied ?? 0,
      droppedOff: own?.droppedOff ?? 0,
    };
    const from = (route: RouteCount) => route.fromStepId === step.id;
    const set = (routeKey: RouteKey, count: number) => {
      edges[edgeId(key, routeKey)] = count;
    };
    const next = step.next ?? { kind: 'next' };
    if (next.kind === 'finish')
      // Its reply finished it, or (a closing message) it finished as it was sent.
      set(
        'next',
        took((r) => from(r) && r.toStepId === null && (r.route === 'next' || r.route === 'sent')),
      );
    if (next.kind === 'next') {
      const target = to(steps[index + 1]?.id);
      set(
        'next',
        took((r) => from(r) && r.route === 'next' && r.toStepId === target),
      );
    }
    if (next.kind === 'decide') {
      (next.conditions ?? []).forEach((condition, conditionIndex) =>
        set(
          `c${conditionIndex}`,
          took(
            (r) =>
              from(r) &&
              r.route === 'condition' &&
              r.conditionId === condition.id &&
              r.toStepId === to(condition.nextStepId),
          ),
        ),
      );
      set(
        'fallback',
        took((r) => from(r) && r.route === 'fallback' && r.toStepId === to(next.fallbackStepId)),
      );
    }
  });
  return { nodes, edges };
}
