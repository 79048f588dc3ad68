import { useEffect, useMemo } from 'react';
import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  useReactFlow,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { ToolDefinition } from '@sms-seq/engine';
import type { AccountField } from '../../api/api.types';
import type { ProblemIndex } from '../tool-editor/problem-index';
import { buildMap, type MapNode } from './map-graph';

export interface SequenceMapProps {
  tool: ToolDefinition;
  problems: ProblemIndex;
  /** Without it the map is a small, still preview (a template's): nothing to click, pan or zoom. */
  onSelectStep?: (index: number) => void;
  /** The account's fields, to name a field a condition compares with; standard labels otherwise. */
  fields?: AccountField[];
}

/** The live map of steps and branches, with validation problems marked on the nodes. */
export function SequenceMap({ tool, problems, onSelectStep, fields }: SequenceMapProps) {
  const preview = onSelectStep === undefined;
  const { nodes, edges } = useMemo(
    () =>
      buildMap(
        tool,
        problems.all,
        fields ? (key) => fields.find((field) => field.key === key)?.label : undefined,
      ),
    [tool, problems, fields],
  );
  // The whole map stays in view as steps and branches come and go (not on every keystroke).
  const shape = `${nodes.map((node) => node.id).join(',')}|${edges.map((edge) => edge.id).join(',')}`;
  const nodeTypes = useMemo(
    () => ({
      step: (props: NodeProps<MapNode>) => <StepNode {...props} onSelectStep={onSelectStep} />,
    }),
    [onSelectStep],
  );
  return (
    <div
      className={preview ? 'sequence-map sequence-map--preview' : 'sequence-map'}
      aria-label={preview ? 'Preview of the sequence map' : 'Sequence map'}
      role="region"
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.15 }}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        // The button inside each node is the tab stop; React Flow's own node focus would take
        // focus back from the step the click jumps to. (Nodes stay selectable: React Flow turns
        // pointer events off on nodes that are neither selectable nor draggable.)
        nodesFocusable={false}
        proOptions={{ hideAttribution: true }}
        minZoom={0.2}
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
        {preview ? null : <Controls showInteractive={false} />}
        <FitWhenShapeChanges shape={shape} />
      </ReactFlow>
      {/* A text version of the map for screen readers and keyboard users. */}
      <ol className="ui-visually-hidden">
        {nodes
          .filter((node) => node.data.stepIndex !== null)
          .map((node) => (
            <li key={node.id}>
              {node.data.title}
              {node.data.finish ? `: ${node.data.finish.sentence}` : ''}
              {node.data.errors.length ? `: ${node.data.errors.length} problem(s)` : ''}
            </li>
          ))}
      </ol>
    </div>
  );
}

function FitWhenShapeChanges({ shape }: { shape: string }) {
  const { fitView } = useReactFlow();
  useEffect(() => {
    // After React Flow has measured the new nodes.
    const frame = requestAnimationFrame(() => void fitView({ padding: 0.15, duration: 200 }));
    return () => cancelAnimationFrame(frame);
  }, [shape, fitView]);
  return null;
}

function StepNode({
  data,
  onSelectStep,
}: NodeProps<MapNode> & { onSelectStep?: (index: number) => void }) {
  const stepIndex = data.stepIndex;
  const tone = data.errors.length ? 'error' : data.warnings.length ? 'warning' : 'ok';
  const content = (
    <>
      <span className="map-node__title">{data.title}</span>
      <span className="map-node__subtitle">{data.subtitle}</span>
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
    </>
  );
  return (
    <div
      className={`map-node map-node--${data.kind} map-node--${tone}`}
      data-testid={stepIndex === null ? `map-${data.kind}` : `map-step-${stepIndex}`}
    >
      {data.kind !== 'start' ? <Handle type="target" position={Position.Top} /> : null}
      {stepIndex !== null && onSelectStep ? (
        <button
          type="button"
          className="map-node__button nodrag"
          onClick={() => onSelectStep(stepIndex)}
          aria-label={`Go to ${data.title}`}
        >
          {content}
        </button>
      ) : (
        <div className="map-node__button">{content}</div>
      )}
      {data.kind !== 'finish' ? <Handle type="source" position={Position.Bottom} /> : null}
    </div>
  );
}
