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
 *
 * Every label is a box of a known size that dagre lays out as a node of its own (edge labels with
 * `width`/`height`), so no two labels, and no label and step, can overlap; the edges are drawn
 * through dagre's route points (`points`), self-loops and back edges included.
 *
 * Ids, stable while the steps keep their ids (the map's stats are keyed by them):
 * - nodes: `start`, `step-<index>`, `finish` (the node's step id is `data.stepId`);
 * - edges: `start` (start → first step), and `<stepId>:<route>` for each way out of a step, where
 *   route is `next` (its one way on: the next step, or the finish), `c<n>` (its condition n,
 *   counted from 0), or `fallback` (its "no match"). A step whose id is empty or repeats an
 *   earlier step's is keyed `step-<index>` instead (only in a draft with that problem).
 */

/** How many conversations reached a step, replied there, and ended there; how many took each edge. */
export interface MapStats {
  nodes: Record<string, { reached: number; replied: number; droppedOff: number }>;
  edges: Record<string, number>;
}

/** A way out of a step: its one way on, one of its conditions, or its "no match". */
export type RouteKey = 'next' | 'fallback' | `c${number}`;

export interface StepNodeData extends Record<string, unknown> {
  kind: 'start' | 'step' | 'finish';
  title: string;
  subtitle: string;
  stepIndex: number | null;
  /** The step's id in the tool (null for the start and the finish). */
  stepId: string | null;
  /** The first step: the one every start sends. */
  first: boolean;
  /** The start node: how a conversation starts (a keyword text, a campaign's HTTP Post). */
  starts: string[];
  /** A finish step: what it does (closing message, or waits for its reply), in words. */
  finish: { closing: boolean; sentence: string } | null;
  errors: string[];
  warnings: string[];
  /** The step's ways out, in order: one handle each when the map edits where they go. */
  routes: { key: RouteKey; label: string }[];
  stats: MapStats['nodes'][string] | null;
}

export interface Point {
  x: number;
  y: number;
}

export interface MapEdgeData extends Record<string, unknown> {
  label: string;
  tone: 'plain' | 'branch' | 'fallback';
  /** Forward (down the map), back (to a step drawn above or beside) or a loop to its own step. */
  direction: 'forward' | 'back' | 'loop';
  /** dagre's route, from the source's border to the target's. */
  points: Point[];
  /** The label's box (top-left, size) in map coordinates; null for an edge without a label. */
  labelBox: { x: number; y: number; width: number; height: number; lines: number } | null;
  /** How many conversations took this edge, when the map shows numbers. */
  count: number | null;
}

export type MapNode = Node<StepNodeData, 'step'>;
export type MapEdge = Edge<MapEdgeData, 'route'>;

export const NODE_WIDTH = 260;
// Node rows: the CSS (`.map-node`) draws each at exactly these heights, so dagre's sizes are true.
const NODE_PADDING = 24;
const TITLE_ROW = 20;
const ROW = 20;
// Edge labels: 13 px text, at most LABEL_MAX_LINES lines; the width is estimated from the text
// with a generous character width, and the box is drawn at exactly this size (text that needs
// more room is cut with an ellipsis and kept whole in its tooltip).
export const LABEL_MAX_WIDTH = 180;
// (Debian's DejaVu Sans, the widest common default, averages under 8 px a character at 13 px.)
const LABEL_CHAR_WIDTH = 8;
// The CSS padding and border, and a little room for rounding.
const LABEL_PADDING_X = 20;
// The CSS padding (4 + 4) and border (1 + 1).
const LABEL_PADDING_Y = 10;
const LABEL_LINE = 16;
const LABEL_MAX_LINES = 2;
// Between the stacked labels of edges that share a route.
const LABEL_GAP = 4;
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

/** An edge's id (see the file's comment): what the map's stats key each edge's count by. */
export function edgeId(stepKey: string, route: RouteKey): string {
  return `${stepKey}:${route}`;
}

/** What an edge's count reads on its label. */
export function edgeCountText(count: number): string {
  return `${count} took this`;
}

/**
 * The size of a label's box: the text wrapped at word boundaries into lines of the widest the box
 * allows, at most two (and a line for the count when numbers are shown).
 */
export function labelSize(
  text: string,
  count: number | null = null,
): { width: number; height: number; lines: number } {
  const perLine = Math.floor((LABEL_MAX_WIDTH - LABEL_PADDING_X) / LABEL_CHAR_WIDTH);
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= perLine)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const shown = Math.min(Math.max(lines.length, 1), LABEL_MAX_LINES);
  const longest = Math.max(
    ...lines.slice(0, shown).map((line) => Math.min(line.length, perLine)),
    count === null ? 0 : edgeCountText(count).length,
    3,
  );
  return {
    width: Math.min(LABEL_MAX_WIDTH, Math.ceil(longest * LABEL_CHAR_WIDTH) + LABEL_PADDING_X),
    height: (shown + (count === null ? 0 : 1)) * LABEL_LINE + LABEL_PADDING_Y,
    lines: shown,
  };
}

function finishOf(step: ToolDefinition['steps'][number]): StepNodeData['finish'] {
  const sentence = finishSentence(step);
  return sentence === null ? null : { closing: isClosingStep(step), sentence };
}

/** A node's height: its title, its subtitle, and one row per marker it shows. */
function nodeHeight(data: StepNodeData): number {
  const rows =
    1 +
    (data.kind === 'start' ? data.starts.length : 0) +
    (data.first ? 1 : 0) +
    (data.finish ? 1 : 0) +
    (data.errors.length || data.warnings.length ? 1 : 0) +
    // The numbers take two rows: reached and replied, then dropped off.
    (data.stats ? 2 : 0);
  return NODE_PADDING + TITLE_ROW + rows * ROW;
}

export function buildMap(
  tool: ToolDefinition,
  problems: Problem[],
  fieldLabel?: DescribeConditionContext['fieldLabel'],
  stats?: MapStats,
): { nodes: MapNode[]; edges: MapEdge[]; size: { width: number; height: number } } {
  const steps = tool.steps ?? [];
  const indexById = new Map<string, number>();
  steps.forEach((step, index) => {
    if (step.id && !indexById.has(step.id)) indexById.set(step.id, index);
  });
  // The key a step's edges and stats go by: its id, unless that id is empty or taken.
  const keyOf = (index: number) => {
    const id = steps[index]?.id;
    return id && indexById.get(id) === index ? id : `step-${index}`;
  };
  const problemsOf = (index: number) =>
    problems.filter(
      (problem) =>
        pathKey(problem.path) === `steps.${index}` ||
        pathKey(problem.path).startsWith(`steps.${index}.`),
    );

  const nodes: MapNode[] = [];
  const node = (id: string, data: StepNodeData) => {
    nodes.push({
      id,
      type: 'step',
      position: { x: 0, y: 0 },
      width: NODE_WIDTH,
      height: nodeHeight(data),
      data,
    });
  };
  const httpOnly = tool.startMode === 'http_only';
  node('start', {
    kind: 'start',
    title: 'Start',
    subtitle: httpOnly ? 'Campaign HTTP Post' : `Text “${tool.keyword ?? '…'}” or HTTP Post`,
    stepIndex: null,
    stepId: null,
    first: false,
    starts: httpOnly
      ? ['▶ A campaign’s HTTP Post']
      : [`▶ Keyword text “${tool.keyword || '…'}”`, '▶ A campaign’s HTTP Post'],
    finish: null,
    errors: [],
    warnings: [],
    routes: [],
    stats: null,
  });
  steps.forEach((step, index) => {
    const own = problemsOf(index);
    node(`step-${index}`, {
      kind: 'step',
      title: `#${index + 1} ${step.name || 'Untitled step'}`,
      subtitle: step.message
        ? step.message.slice(0, 60) + (step.message.length > 60 ? '…' : '')
        : '(no message yet)',
      stepIndex: index,
      stepId: step.id ?? null,
      first: index === 0,
      starts: [],
      finish: finishOf(step),
      errors: own
        .filter((problem) => problem.severity === 'error')
        .map((problem) => problem.message),
      warnings: own
        .filter((problem) => problem.severity === 'warning')
        .map((problem) => problem.message),
      routes: [],
      stats: stats
        ? (stats.nodes[keyOf(index)] ?? { reached: 0, replied: 0, droppedOff: 0 })
        : null,
    });
  });
  node('finish', {
    kind: 'finish',
    title: 'Finish',
    subtitle: 'The conversation ends',
    stepIndex: null,
    stepId: null,
    first: false,
    starts: [],
    finish: null,
    errors: [],
    warnings: [],
    routes: [],
    stats: null,
  });

  const edges: MapEdge[] = [];
  const target = (stepId: string | null) => {
    const index = stepId === null ? undefined : indexById.get(stepId);
    return index === undefined ? 'finish' : `step-${index}`;
  };
  const edge = (
    id: string,
    source: string,
    to: string,
    label: string,
    tone: MapEdgeData['tone'] = 'plain',
  ) => {
    const count = stats && id !== 'start' ? (stats.edges[id] ?? 0) : null;
    edges.push({
      id,
      source,
      target: to,
      type: 'route',
      className: `map-edge map-edge--${tone}`,
      data: { label, tone, direction: 'forward', points: [], labelBox: null, count },
    });
  };
  if (steps.length > 0) edge('start', 'start', 'step-0', '');
  else edge('start', 'start', 'finish', '');
  steps.forEach((step, index) => {
    const source = `step-${index}`;
    const key = keyOf(index);
    const next = step.next ?? { kind: 'next' };
    const routes: StepNodeData['routes'] = [];
    const route = (
      routeKey: RouteKey,
      to: string,
      label: string,
      tone: MapEdgeData['tone'] = 'plain',
    ) => {
      routes.push({ key: routeKey, label });
      edge(edgeId(key, routeKey), source, to, label, tone);
    };
    // A closing message ends as it is sent; any other finish step ends on its reply.
    if (next.kind === 'finish')
      route('next', 'finish', isClosingStep(step) ? 'when sent' : 'reply');
    if (next.kind === 'next')
      route('next', index + 1 < steps.length ? `step-${index + 1}` : 'finish', 'reply');
    if (next.kind === 'decide') {
      (next.conditions ?? []).forEach((condition, conditionIndex) =>
        route(
          `c${conditionIndex}`,
          target(condition.nextStepId ?? null),
          withGoal(conditionLabel(condition, fieldLabel), condition.goal),
          'branch',
        ),
      );
      route(
        'fallback',
        target(next.fallbackStepId ?? null),
        withGoal('no match', next.fallbackGoal),
        'fallback',
      );
    }
    const stepNode = nodes.find((item) => item.id === source);
    if (stepNode) stepNode.data.routes = routes;
  });

  return { nodes, edges, size: layOut(nodes, edges) };
}

/** Places nodes and label boxes with dagre and keeps its route for every edge. */
function layOut(nodes: MapNode[], edges: MapEdge[]): { width: number; height: number } {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({
    rankdir: 'TB',
    nodesep: 40,
    edgesep: 16,
    ranksep: 56,
    marginx: 16,
    marginy: 16,
  });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const item of nodes)
    graph.setNode(item.id, { width: item.width ?? NODE_WIDTH, height: item.height ?? 0 });
  // Edges between the same two nodes (several conditions into one step) are laid out as one
  // route whose label space is their labels stacked: each keeps its own box, side by side with
  // its siblings on the one line, rather than scattered across the map.
  const groups = new Map<string, { edges: MapEdge[]; width: number; height: number }>();
  const sizes = new Map<string, ReturnType<typeof labelSize>>();
  for (const item of edges) {
    const label = item.data?.label ?? '';
    const size = label ? labelSize(label, item.data?.count ?? null) : null;
    if (size) sizes.set(item.id, size);
    const key = `${item.source}->${item.target}`;
    const group = groups.get(key) ?? { edges: [], width: 0, height: 0 };
    group.edges.push(item);
    if (size) {
      group.width = Math.max(group.width, size.width);
      group.height += (group.height ? LABEL_GAP : 0) + size.height;
    }
    groups.set(key, group);
  }
  for (const [key, group] of groups) {
    const first = group.edges[0] as MapEdge;
    graph.setEdge(
      first.source,
      first.target,
      group.height
        ? { width: group.width, height: group.height, labelpos: 'c', weight: group.edges.length }
        : { weight: group.edges.length },
      key,
    );
  }
  dagre.layout(graph);
  const placed = (id: string) =>
    graph.node(id) as { x: number; y: number; rank?: number } | undefined;
  for (const item of nodes) {
    const at = placed(item.id);
    if (at)
      item.position = {
        x: at.x - (item.width ?? NODE_WIDTH) / 2,
        y: at.y - (item.height ?? 0) / 2,
      };
  }
  for (const [key, group] of groups) {
    const first = group.edges[0] as MapEdge;
    const laid = graph.edge({ v: first.source, w: first.target, name: key }) as
      { points?: Point[]; x?: number; y?: number } | undefined;
    if (!laid) continue;
    let top = (laid.y ?? 0) - group.height / 2;
    for (const item of group.edges) {
      const data = item.data;
      if (!data) continue;
      data.points = (laid.points ?? []).map((point) => ({ x: point.x, y: point.y }));
      const size = sizes.get(item.id);
      if (size && laid.x !== undefined && laid.y !== undefined) {
        data.labelBox = {
          x: laid.x - size.width / 2,
          y: top,
          width: size.width,
          height: size.height,
          lines: size.lines,
        };
        top += size.height + LABEL_GAP;
      }
    }
  }
  for (const item of edges) {
    const data = item.data;
    if (!data) continue;
    const from = placed(item.source);
    const to = placed(item.target);
    data.direction =
      item.source === item.target
        ? 'loop'
        : from && to && (to.rank ?? 0) <= (from.rank ?? 0)
          ? 'back'
          : 'forward';
    if (data.direction !== 'forward')
      item.className = `${item.className} map-edge--${data.direction}`;
  }
  const size = graph.graph() as { width?: number; height?: number };
  return { width: size.width ?? 0, height: size.height ?? 0 };
}

/**
 * An SVG path through dagre's route points, corners rounded so a route reads as one line; a
 * self-loop's five points become one arc out of the node's side and back.
 */
export function pathThrough(points: Point[], radius = 14): string {
  const [first, ...rest] = points;
  if (!first || rest.length === 0) return '';
  const round = (value: number) => Math.round(value * 10) / 10;
  let path = `M ${round(first.x)} ${round(first.y)}`;
  for (let index = 1; index < points.length - 1; index += 1) {
    const previous = points[index - 1] as Point;
    const corner = points[index] as Point;
    const next = points[index + 1] as Point;
    const toward = (from: Point, to: Point, length: number): Point => {
      const distance = Math.hypot(to.x - from.x, to.y - from.y) || 1;
      return {
        x: from.x + ((to.x - from.x) * length) / distance,
        y: from.y + ((to.y - from.y) * length) / distance,
      };
    };
    const r = Math.min(
      radius,
      Math.hypot(corner.x - previous.x, corner.y - previous.y) / 2,
      Math.hypot(next.x - corner.x, next.y - corner.y) / 2,
    );
    const before = toward(corner, previous, r);
    const after = toward(corner, next, r);
    path += ` L ${round(before.x)} ${round(before.y)} Q ${round(corner.x)} ${round(corner.y)} ${round(after.x)} ${round(after.y)}`;
  }
  const last = points[points.length - 1] as Point;
  return `${path} L ${round(last.x)} ${round(last.y)}`;
}
