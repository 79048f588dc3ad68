import { useEffect, useId, useState } from 'react';
import type { Step } from '@sms-seq/engine';
import { Button, Dialog } from '@sms-seq/ui';
import { describePointer, pointersTo } from './step-pointers';
import { stepLabel } from './step-label';

export interface DeleteStepDialogProps {
  steps: readonly Step[];
  /** The step to delete, by id (null: closed). */
  stepId: string | null;
  onCancel: () => void;
  /** Deletes it; its routes in now send `repointTo` (a step id, or null: they finish). */
  onDelete: (index: number, repointTo: string | null) => void;
}

/**
 * "Delete #2 Ask size?": names every condition and "no match" that sends the step and lets the
 * marketer choose where they go instead, so no route is left pointing at a missing step.
 */
export function DeleteStepDialog({ steps, stepId, onCancel, onDelete }: DeleteStepDialogProps) {
  const index = stepId === null ? -1 : steps.findIndex((step) => step.id === stepId);
  const step = steps[index];
  const [repointTo, setRepointTo] = useState('');
  const selectId = useId();
  useEffect(() => setRepointTo(''), [stepId]);
  const pointers = step ? pointersTo(steps, index) : [];
  const routes = pointers.filter((pointer) => pointer.kind !== 'next');
  const above = pointers.find((pointer) => pointer.kind === 'next');
  const below = steps[index + 1];

  return (
    <Dialog
      open={step !== undefined}
      title={step ? `Delete “${stepLabel(step, index)}”?` : 'Delete step'}
      onClose={onCancel}
    >
      {step ? (
        <div className="stack delete-step">
          {routes.length ? (
            <>
              <p>
                {routes.length === 1 ? 'This route points' : 'These routes point'} to this step:
              </p>
              <ul className="delete-step__routes">
                {routes.map((pointer) => (
                  <li
                    key={`${pointer.from}:${pointer.kind}:${'conditionIndex' in pointer ? pointer.conditionIndex : ''}`}
                  >
                    {describePointer(steps, pointer)}
                  </li>
                ))}
              </ul>
              <label htmlFor={selectId}>
                Send {routes.length === 1 ? 'it' : 'them'} instead to
              </label>
              <select
                id={selectId}
                className="ui-input"
                value={repointTo}
                onChange={(e) => setRepointTo(e.target.value)}
              >
                <option value="">Don’t send anything (finish)</option>
                {steps.map((other, at) =>
                  at === index ? null : (
                    <option key={other.id} value={other.id}>
                      {stepLabel(other, at)}
                    </option>
                  ),
                )}
              </select>
            </>
          ) : (
            <p>No condition points to this step.</p>
          )}
          {above ? (
            <p className="muted">
              {describePointer(steps, above)}: after the deletion that is{' '}
              {below ? stepLabel(below, index) : 'the end of the conversation'}.
            </p>
          ) : null}
          <p className="muted">You can undo this with Undo (Ctrl+Z).</p>
          <div className="row row--end">
            <Button data-autofocus onClick={onCancel}>
              Cancel
            </Button>
            <Button variant="danger" onClick={() => onDelete(index, repointTo || null)}>
              Delete step
            </Button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
