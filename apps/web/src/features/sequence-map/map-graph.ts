import dagre from '@dagrejs/dagre';
import type { Edge, Node } from '@xyflow/react';
import {
  describeCondition,
  type Condition,
  type DescribeConditionContext,
  type Problem,
  type ToolDefinition,
} from '@sms-seq/engine';
import { finishSentence, isClosingStep } from '../tool-editor/finish-kind';
import { pathKey } from '../tool-editor/problem-index';

/**
 * Turns a tool into the map's nodes and edges, laid out top to bottom by dagre. Pure, so the map
 * is redrawn from the form on every change and always shows what the form says.
 */

export interface StepNodeData extends Record<string, unknown> {
  kind: 'start' | 'step' | 'finish';
  title: string;
  subtitle: string;
  stepIndex: number | null;
  /** A finish step: what it does (closing message, or waits for its reply), in words. */
  finish: { closing: boolean; sentence: string } | null;
  errors: string[];
  warnings: string[];
}

export type MapNode = Node<StepNodeData>;

const NODE_WIDTH = 220;
const NODE_HEIGHT = 78;
// Edge labels sit on the map between nodes, so a long word list is cut short.
const MAX_LABEL_WORDS = 3;

/** A branch that achieves a Keap API goal says so on its edge (by call name: edges are short). */
export function withGoal(
  label: string,
  goal: { integration: string; callName: string } | null | undefined,
): string {
  return goal && goal.callName ? `${label} · goal ${goal.callName}` : label;
}

/** A branch's label: the engine's one wording of a condition, as the funnel and simulator say it. */
export function conditionLabel(
  condition: Condition,
  fieldLabel?: DescribeConditionContext['fieldLabel'],
): string {
  return describeCondition(condition, { fieldLabel, maxValues: MAX_LABEL_WORDS });
}

function finishOf(step: ToolDefinition['steps'][number]): StepNodeData['finish'] {
  const sentence = finishSentence(step);
  return sentence === null ? null : { closing: isClosingStep(step), sentence };
}

export function buildMap(
  tool: ToolDefinition,
  problems: Problem[],
  fieldLabel?: DescribeConditionContext['fieldLabel'],
): { nodes: MapNode[]; edges: Edge[] } {
  const steps = tool.steps ?? [];
  const indexById = new Map<string, number>();
  steps.forEach((step, index) => {
    if (!indexById.has(step.id)) indexById.set(step.id, index);
  });
  const problemsOf = (index: number) =>
    problems.filter(
      (problem) =>
        pathKey(problem.path) === `steps.${index}` ||
        pathKey(problem.path).startsWith(`steps.${index}.`),
    );

  const nodes: MapNode[] = [
    {
      id: 'start',
      type: 'step',
      position: { x: 0, y: 0 },
      data: {
        kind: 'start',
        title: 'Start',
        subtitle:
          tool.startMode === 'http_only'
            ? 'Campaign HTTP Post'
            : `Text “${tool.keyword ?? '…'}” or HTTP Post`,
        stepIndex: null,
        finish: null,
        errors: [],
        warnings: [],
      },
    },
  ];
  steps.forEach((step, index) => {
    const own = problemsOf(index);
    nodes.push({
      id: `step-${index}`,
      type: 'step',
      position: { x: 0, y: 0 },
      data: {
        kind: 'step',
        title: `#${index + 1} ${step.name || 'Untitled step'}`,
        subtitle: step.message
          ? step.message.slice(0, 60) + (step.message.length > 60 ? '…' : '')
          : '(no message yet)',
        stepIndex: index,
        finish: finishOf(step),
        errors: own
          .filter((problem) => problem.severity === 'error')
          .map((problem) => problem.message),
        warnings: own
          .filter((problem) => problem.severity === 'warning')
          .map((problem) => problem.message),
      },
    });
  });
  nodes.push({
    id: 'finish',
    type: 'step',
    position: { x: 0, y: 0 },
    data: {
      kind: 'finish',
      title: 'Finish',
      subtitle: 'The conversation ends',
      stepIndex: null,
      finish: null,
      errors: [],
      warnings: [],
    },
  });

  const edges: Edge[] = [];
  const target = (stepId: string | null) => {
    const index = stepId === null ? undefined : indexById.get(stepId);
    return index === undefined ? 'finish' : `step-${index}`;
  };
  const edge = (
    source: string,
    to: string,
    label: string,
    key: string,
    tone: 'plain' | 'branch' | 'fallback' = 'plain',
  ) =>
    edges.push({
      id: `${source}->${to}:${key}`,
      source,
      target: to,
      label,
      className: `map-edge map-edge--${tone}`,
      animated: tone === 'branch',
    });
  if (steps.length > 0) edge('start', 'step-0', '', 'start');
  else edge('start', 'finish', '', 'start');
  steps.forEach((step, index) => {
    const source = `step-${index}`;
    const next = step.next ?? { kind: 'next' };
    // A closing message ends as it is sent; any other finish step ends on its reply.
    if (next.kind === 'finish')
      edge(source, 'finish', isClosingStep(step) ? 'when sent' : 'reply', 'finish');
    if (next.kind === 'next')
      edge(source, index + 1 < steps.length ? `step-${index + 1}` : 'finish', 'reply', 'next');
    if (next.kind === 'decide') {
      (next.conditions ?? []).forEach((condition, conditionIndex) =>
        edge(
          source,
          target(condition.nextStepId ?? null),
          withGoal(conditionLabel(condition, fieldLabel), condition.goal),
          `c${conditionIndex}`,
          'branch',
        ),
      );
      edge(
        source,
        target(next.fallbackStepId ?? null),
        withGoal('no match', next.fallbackGoal),
        'fallback',
        'fallback',
      );
    }
  });

  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const item of edges) graph.setEdge(item.source, item.target, {}, item.id);
  dagre.layout(graph);
  for (const node of nodes) {
    const placed = graph.node(node.id) as { x: number; y: number } | undefined;
    if (placed) node.position = { x: placed.x - NODE_WIDTH / 2, y: placed.y - NODE_HEIGHT / 2 };
  }
  return { nodes, edges };
}
