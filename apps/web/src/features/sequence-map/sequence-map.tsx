import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import {
  Background,
  BaseEdge,
  ControlButton,
  Controls,
  EdgeLabelRenderer,
  Handle,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  useReactFlow,
  useStore,
  type Connection,
  type EdgeProps,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { ToolDefinition } from '@sms-seq/engine';
import type { AccountField } from '../../api/api.types';
import type { ProblemIndex } from '../tool-editor/problem-index';
import {
  buildMap,
  edgeCountText,
  NODE_WIDTH,
  pathThrough,
  type MapEdge,
  type MapNode,
  type MapStats,
  type RouteKey,
} from './map-graph';
import { openingViewport, READABLE_ZOOM } from './map-view';

export type { MapStats } from './map-graph';

export interface SequenceMapProps {
  tool: ToolDefinition;
  problems: ProblemIndex;
  /** Without it the map is a small, still preview (a template's): nothing to click, pan or zoom. */
  onSelectStep?: (index: number) => void;
  /** The account's fields, to name a field a condition compares with; standard labels otherwise. */
  fields?: AccountField[];
  /** The step shown as selected (by its id). */
  selectedStepId?: string;
  /**
   * Given, each way out of a step gets a handle to drag onto another step: where that way goes.
   * `conditionIndex` is the condition's (from 0), or null for the step's one way on or its "no match".
   */
  onConnect?: (fromStepId: string, conditionIndex: number | null, toStepId: string) => void;
  /** Given, the map offers "Add a step". */
  onAddStep?: () => void;
  /** Given, the map offers "Delete step" for the selected step (and the Delete key on a step). */
  onDeleteStep?: (stepId: string) => void;
  /** Numbers to show on the steps and edges (edges keyed by map-graph.ts's edge ids). */
  stats?: MapStats;
  /** Shown beside the canvas, in full width too (the selected step's fields, say). */
  panel?: ReactNode;
}

const nodeTypes = { step: StepNode };
const edgeTypes = { route: RouteEdge };
const PREVIEW_ZOOM = 0.05;

/** The map of steps and branches, with the start, the finishes and validation problems marked. */
export function SequenceMap(props: SequenceMapProps) {
  const { tool, problems, onSelectStep, fields, selectedStepId, stats, panel } = props;
  const { onConnect, onAddStep, onDeleteStep } = props;
  const preview = onSelectStep === undefined;
  const [fullWidth, setFullWidth] = useState(false);
  // Set when the marketer pans or zooms (React Flow reports no event for moves made in code).
  const movedByUser = useRef(false);
  const map = useMemo(
    () =>
      buildMap(
        tool,
        problems.all,
        fields ? (key) => fields.find((field) => field.key === key)?.label : undefined,
        stats,
      ),
    [tool, problems, fields, stats],
  );
  const nodes = useMemo(
    () =>
      map.nodes.map((node) => ({
        ...node,
        selected: selectedStepId !== undefined && node.data.stepId === selectedStepId,
        data: { ...node.data, onSelectStep, onDeleteStep, connectable: onConnect !== undefined },
      })),
    [map.nodes, selectedStepId, onSelectStep, onDeleteStep, onConnect],
  );
  const edges = useMemo(
    () =>
      map.edges.map((edge) => ({
        ...edge,
        markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
      })),
    [map.edges],
  );
  const selected = map.nodes.find(
    (node) => selectedStepId !== undefined && node.data.stepId === selectedStepId,
  );
  const stepIdOf = useCallback(
    (nodeId: string | null) => map.nodes.find((node) => node.id === nodeId)?.data.stepId ?? null,
    [map.nodes],
  );
  const connect = useCallback(
    (connection: Connection) => {
      const from = stepIdOf(connection.source);
      const to = stepIdOf(connection.target);
      const route = (connection.sourceHandle ?? 'next') as RouteKey;
      if (from === null || to === null || !onConnect) return;
      onConnect(from, route.startsWith('c') ? Number(route.slice(1)) : null, to);
    },
    [stepIdOf, onConnect],
  );
  // The whole map's shape: it is framed again when steps or branches come and go, not on every
  // keystroke.
  const shape = `${map.nodes.map((node) => `${node.id}/${node.height}`).join(',')}|${map.edges
    .map((edge) => edge.id)
    .join(',')}`;

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && fullWidth) {
      event.stopPropagation();
      setFullWidth(false);
    }
  };

  return (
    <div
      className={[
        'sequence-map',
        preview ? 'sequence-map--preview' : '',
        fullWidth ? 'sequence-map--full' : '',
        onConnect ? 'sequence-map--editable' : '',
      ]
        .filter(Boolean)
        .join(' ')}
      aria-label={preview ? 'Preview of the sequence map' : 'Sequence map'}
      role="region"
      onKeyDown={onKeyDown}
    >
      {preview ? null : (
        <div className="sequence-map__tools" role="toolbar" aria-label="Map tools">
          {onAddStep ? (
            <button type="button" className="ui-button ui-button--small" onClick={onAddStep}>
              + Add a step
            </button>
          ) : null}
          {onDeleteStep && selected?.data.stepId ? (
            <button
              type="button"
              className="ui-button ui-button--small"
              onClick={() => onDeleteStep(selected.data.stepId as string)}
            >
              Delete {selected.data.title}
            </button>
          ) : null}
          <button
            type="button"
            className="ui-button ui-button--small"
            aria-pressed={fullWidth}
            onClick={() => setFullWidth((value) => !value)}
            title={fullWidth ? 'Back beside the form (Esc)' : 'Give the map the whole screen'}
          >
            {fullWidth ? 'Exit full width' : 'Full width'}
          </button>
        </div>
      )}
      <div className="sequence-map__body">
        <div className="sequence-map__canvas">
          <ReactFlow<MapNode, MapEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            nodesDraggable={false}
            nodesConnectable={onConnect !== undefined}
            onConnect={connect}
            isValidConnection={(connection) =>
              stepIdOf(connection.source) !== null && stepIdOf(connection.target) !== null
            }
            edgesFocusable={false}
            // The button inside each node is the tab stop; React Flow's own node focus would take
            // focus back from the step the click jumps to. (Nodes stay selectable: React Flow turns
            // pointer events off on nodes that are neither selectable nor draggable.)
            nodesFocusable={false}
            // Our own Delete key (on a step's button) asks first; React Flow's would just remove.
            deleteKeyCode={null}
            onMoveStart={(event) => {
              if (event) movedByUser.current = true;
            }}
            proOptions={{ hideAttribution: true }}
            minZoom={preview ? PREVIEW_ZOOM : 0.1}
            maxZoom={2}
            {...(preview
              ? {
                  panOnDrag: false,
                  zoomOnScroll: false,
                  zoomOnPinch: false,
                  zoomOnDoubleClick: false,
                  preventScrolling: false,
                  elementsSelectable: false,
                }
              : {})}
          >
            <Background gap={16} />
            <OpeningView
              shape={shape}
              size={map.size}
              start={map.nodes[0]?.position.x ?? null}
              minZoom={preview ? PREVIEW_ZOOM : READABLE_ZOOM}
              movedByUser={movedByUser}
            />
            {preview ? null : (
              <>
                <Controls showInteractive={false} showFitView={false} aria-label="Zoom">
                  <OpeningViewButton size={map.size} start={map.nodes[0]?.position.x ?? null} />
                  <WholeMapButton />
                </Controls>
                <OverviewMiniMap />
              </>
            )}
          </ReactFlow>
        </div>
        {panel ? <div className="sequence-map__panel">{panel}</div> : null}
      </div>
      {/* A text version of the map for screen readers and keyboard users. */}
      <ol className="ui-visually-hidden">
        {map.nodes
          .filter((node) => node.data.stepIndex !== null)
          .map((node) => (
            <li key={node.id}>
              {node.data.title}
              {node.data.finish ? `: ${node.data.finish.sentence}` : ''}
              {node.data.errors.length ? `: ${node.data.errors.length} problem(s)` : ''}
              {map.edges
                .filter((edge) => edge.source === node.id && edge.data?.label)
                .map((edge) => {
                  const to = map.nodes.find((item) => item.id === edge.target);
                  return `; ${edge.data?.label ?? ''} → ${to?.data.title ?? ''}`;
                })
                .join('')}
            </li>
          ))}
      </ol>
    </div>
  );
}

/** The whole map, small: a click there centres the canvas on that place, a drag pans it. */
function OverviewMiniMap() {
  const { setCenter, getZoom } = useReactFlow();
  return (
    <MiniMap
      pannable
      zoomable
      ariaLabel="Overview of the whole map: click or drag to move there"
      className="sequence-map__minimap"
      nodeClassName={(node) => `map-minimap-node map-minimap-node--${String(node.data.kind)}`}
      onClick={(_event, position) =>
        void setCenter(position.x, position.y, { zoom: getZoom(), duration: 200 })
      }
    />
  );
}

function OpeningView({
  shape,
  size,
  start,
  minZoom,
  movedByUser,
}: {
  movedByUser: { current: boolean };
  shape: string;
  size: { width: number; height: number };
  start: number | null;
  minZoom: number;
}) {
  const { setViewport } = useReactFlow();
  const width = useStore((state) => state.width);
  const height = useStore((state) => state.height);
  const framedRoom = useRef('');
  useEffect(() => {
    if (!width || !height) return;
    // A new step or branch does not take away the place the marketer panned or zoomed to; new
    // room (full width, a resized window) frames the map again.
    const room = `${width}x${height}`;
    if (room === framedRoom.current && movedByUser.current) return;
    framedRoom.current = room;
    movedByUser.current = false;
    void setViewport(
      openingViewport(
        size,
        { width, height },
        start === null ? null : { x: start, width: NODE_WIDTH },
        minZoom,
      ),
    );
    // Framed again when the shape or the room changes (full width, a resized window).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, width, height, minZoom]);
  return null;
}

/** Back to where the map opens (readable, from the start). */
function OpeningViewButton({
  size,
  start,
}: {
  size: { width: number; height: number };
  start: number | null;
}) {
  const { setViewport } = useReactFlow();
  const width = useStore((state) => state.width);
  const height = useStore((state) => state.height);
  return (
    <ControlButton
      onClick={() =>
        void setViewport(
          openingViewport(
            size,
            { width, height },
            start === null ? null : { x: start, width: NODE_WIDTH },
          ),
          { duration: 200 },
        )
      }
      title="Readable size, from the start"
      aria-label="Readable size, from the start"
      className="sequence-map__reset"
    >
      <span aria-hidden="true">1:1</span>
    </ControlButton>
  );
}

/** The whole map at once, however small: an overview. */
function WholeMapButton() {
  const { fitView } = useReactFlow();
  return (
    <ControlButton
      onClick={() => void fitView({ padding: 0.05, duration: 200 })}
      title="Show the whole map"
      aria-label="Show the whole map"
      className="react-flow__controls-fitview"
    >
      <span aria-hidden="true">⤢</span>
    </ControlButton>
  );
}

type StepNodeProps = NodeProps<MapNode> & {
  data: MapNode['data'] & {
    onSelectStep?: (index: number) => void;
    onDeleteStep?: (stepId: string) => void;
    connectable?: boolean;
  };
};

function StepNode({
  data,
  selected,
  positionAbsoluteX,
  positionAbsoluteY,
  width,
  height,
}: StepNodeProps) {
  const { stepIndex, onSelectStep, onDeleteStep } = data;
  const { setCenter, getZoom } = useReactFlow();
  // Tabbing through the steps brings each into view (a click is already on a step in view).
  const onFocus = (event: FocusEvent<HTMLButtonElement>) => {
    if (!event.currentTarget.matches(':focus-visible')) return;
    void setCenter(positionAbsoluteX + (width ?? 0) / 2, positionAbsoluteY + (height ?? 0) / 2, {
      zoom: getZoom(),
      duration: 150,
    });
  };
  const tone = data.errors.length ? 'error' : data.warnings.length ? 'warning' : 'ok';
  const content = (
    <>
      <span className="map-node__title">{data.title}</span>
      <span className="map-node__subtitle">{data.subtitle}</span>
      {data.starts.map((start) => (
        <span key={start} className="map-node__start">
          {start}
        </span>
      ))}
      {data.first ? <span className="map-node__first">▶ First text of every start</span> : null}
      {data.finish ? (
        <span
          className={`map-node__finish map-node__finish--${data.finish.closing ? 'closing' : 'waits'}`}
          title={data.finish.sentence}
        >
          {data.finish.closing ? '■ Closing message' : '… Waits for the reply, then ends'}
        </span>
      ) : null}
      {data.errors.length || data.warnings.length ? (
        <span className="map-node__problems" title={[...data.errors, ...data.warnings].join('\n')}>
          {data.errors.length
            ? `⚠ ${data.errors.length} to fix`
            : `${data.warnings.length} warning${data.warnings.length > 1 ? 's' : ''}`}
        </span>
      ) : null}
      {data.stats ? (
        <>
          <span
            className="map-node__stats"
            title={`${data.stats.reached} conversations reached this step, ${data.stats.replied} replied to it`}
          >
            {data.stats.reached} reached · {data.stats.replied} replied
          </span>
          <span
            className="map-node__stats"
            title={`${data.stats.droppedOff} conversations ended at this step without going on`}
          >
            {data.stats.droppedOff} dropped off here
          </span>
        </>
      ) : null}
    </>
  );
  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.key === 'Delete' || event.key === 'Backspace') && onDeleteStep && data.stepId) {
      event.preventDefault();
      onDeleteStep(data.stepId);
    }
  };
  return (
    <div
      className={`map-node map-node--${data.kind} map-node--${tone}${selected ? ' map-node--selected' : ''}`}
      data-testid={stepIndex === null ? `map-${data.kind}` : `map-step-${stepIndex}`}
    >
      {data.kind !== 'start' ? (
        <Handle type="target" position={Position.Top} isConnectable={data.kind === 'step'} />
      ) : null}
      {stepIndex !== null && onSelectStep ? (
        <button
          type="button"
          className="map-node__button nodrag"
          onClick={() => onSelectStep(stepIndex)}
          onKeyDown={onKeyDown}
          onFocus={onFocus}
          aria-label={`Go to ${data.title}`}
          aria-pressed={selected}
        >
          {content}
        </button>
      ) : (
        <div className="map-node__button">{content}</div>
      )}
      {data.connectable && data.routes.length > 0 ? (
        data.routes.map((route, index) => (
          <Handle
            key={route.key}
            id={route.key}
            type="source"
            position={Position.Bottom}
            className="map-node__route"
            style={{ left: `${((index + 1) / (data.routes.length + 1)) * 100}%` }}
            title={`Drag to the step where “${route.label}” goes`}
            aria-label={`Where “${route.label}” goes`}
          />
        ))
      ) : data.kind !== 'finish' ? (
        <Handle type="source" position={Position.Bottom} isConnectable={false} />
      ) : null}
    </div>
  );
}

/** An edge drawn along dagre's route, its label in the box dagre kept free for it. */
function RouteEdge({ id, data, markerEnd }: EdgeProps<MapEdge>) {
  if (!data) return null;
  const box = data.labelBox;
  return (
    <>
      <BaseEdge id={id} path={pathThrough(data.points)} markerEnd={markerEnd} />
      {box ? (
        <EdgeLabelRenderer>
          <div
            className={`map-edge-label map-edge-label--${data.tone} map-edge-label--${data.direction}`}
            data-edge-id={id}
            title={data.label}
            style={{
              transform: `translate(${box.x}px, ${box.y}px)`,
              width: box.width,
              height: box.height,
            }}
          >
            <span className="map-edge-label__text" style={{ WebkitLineClamp: box.lines }}>
              {data.label}
            </span>
            {data.count !== null ? (
              <span className="map-edge-label__count">{edgeCountText(data.count)}</span>
            ) : null}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}
