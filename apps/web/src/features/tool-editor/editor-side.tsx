import { lazy, Suspense, useState } from 'react';
import type { ToolDefinition } from '@sms-seq/engine';
import { Tabs } from '@sms-seq/ui';
import type { AccountField, AccountTag } from '../../api/api.types';
import { useMapNumbers } from '../analytics/map-numbers';
import { Simulator } from '../simulator/simulator';
import type { ProblemIndex } from './problem-index';
import { CanvasStepPanel, focusNode, focusPanel } from './canvas-step-panel';
import type { StepOption } from './pickers';
import { ProblemList } from './problem-list';

// The map library (React Flow, dagre, d3) is its own chunk: the form renders first, the map
// joins it when its code has arrived (measured: about 200 KB of the editor's minified code).
const SequenceMap = lazy(() =>
  import('../sequence-map/sequence-map').then((module) => ({ default: module.SequenceMap })),
);

export interface EditorSideProps {
  /** The form's values as of the last change: the map follows every edit. */
  draft: ToolDefinition;
  /** The draft read through the engine's schema, for the simulator; null while it does not fit. */
  tool: ToolDefinition | null;
  problems: ProblemIndex;
  fields: AccountField[];
  tags: AccountTag[];
  stepOptions: StepOption[];
  /** A drag on the map: a route of a step (null: its own) now sends another step. */
  onConnect: (fromStepId: string, conditionIndex: number | null, toStepId: string) => void;
  /** Adds a step from the map; returns its id (it is then selected). */
  onAddStep: () => string;
  /** Asks before deleting the step. */
  onDeleteStep: (stepId: string) => void;
}

/** Beside the form: the sequence map or the simulator, and every problem found. */
export function EditorSide({
  draft,
  tool,
  problems,
  fields,
  tags,
  stepOptions,
  onConnect,
  onAddStep,
  onDeleteStep,
}: EditorSideProps) {
  const [side, setSide] = useState<'map' | 'simulator'>('map');
  // "Show numbers": the conversations' counts on the map's steps and arrows.
  const numbers = useMapNumbers(draft);
  // The step selected on the map, by id: it stays selected when steps move.
  const [selected, setSelected] = useState<string | null>(null);
  const selectedIndex = (draft.steps ?? []).findIndex((step) => step.id === selected);
  const select = (index: number) => {
    const id = draft.steps?.[index]?.id;
    if (!id) return;
    setSelected(id);
    focusPanel(index);
  };
  return (
    <aside className="editor-side" aria-label="Sequence map and simulator">
      <Tabs
        label="Beside the editor"
        items={[
          { key: 'map', label: 'Sequence map' },
          { key: 'simulator', label: 'Simulator' },
        ]}
        selected={side}
        onSelect={setSide}
      >
        {side === 'map' ? numbers.controls : null}
        {side === 'map' ? (
          <Suspense
            fallback={
              <div className="sequence-map sequence-map--loading" role="status">
                Drawing the sequence map…
              </div>
            }
          >
            <SequenceMap
              tool={draft}
              problems={problems}
              fields={fields}
              stats={numbers.stats}
              onSelectStep={select}
              selectedStepId={selectedIndex >= 0 && selected !== null ? selected : undefined}
              onConnect={onConnect}
              onAddStep={() => {
                const id = onAddStep();
                setSelected(id);
                focusPanel((draft.steps ?? []).length);
              }}
              onDeleteStep={onDeleteStep}
              // The canvas's side panel: the selected step's fields, beside the map.
              panel={
                selected !== null && selectedIndex >= 0 ? (
                  <CanvasStepPanel
                    stepId={selected}
                    stepOptions={stepOptions}
                    onClose={() => {
                      setSelected(null);
                      focusNode(selectedIndex);
                    }}
                  />
                ) : undefined
              }
            />
          </Suspense>
        ) : (
          <Simulator
            tool={tool}
            tags={tags}
            fields={fields}
            hasErrors={problems.errors.length > 0}
          />
        )}
      </Tabs>
      <ProblemList problems={problems.all} />
    </aside>
  );
}
