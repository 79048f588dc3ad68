import { lazy, Suspense, useState } from 'react';
import type { ToolDefinition } from '@sms-seq/engine';
import { Tabs } from '@sms-seq/ui';
import type { AccountField, AccountTag } from '../../api/api.types';
import { Simulator } from '../simulator/simulator';
import type { ProblemIndex } from './problem-index';
import { ProblemList } from './problem-list';
import { jumpToStep } from './step-editor';

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
}

/** Beside the form: the sequence map or the simulator, and every problem found. */
export function EditorSide({ draft, tool, problems, fields, tags }: EditorSideProps) {
  const [side, setSide] = useState<'map' | 'simulator'>('map');
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
              onSelectStep={jumpToStep}
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
