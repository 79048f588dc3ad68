import { useFormContext, useWatch } from 'react-hook-form';
import type { ToolDefinition } from '@sms-seq/engine';
import { Button, Field } from '@sms-seq/ui';
import { useEditor } from './editor-context';
import type { StepOption } from './pickers';
import { StepEditor } from './step-editor';
import { ownRoute, routedNext } from './step-pointers';

/** The panel's cards are `canvas-step-<index>`: the form's own are `step-<index>`. */
export const PANEL_ID_PREFIX = 'canvas-step';

export interface CanvasStepPanelProps {
  /** The step selected on the map. */
  stepId: string;
  stepOptions: StepOption[];
  onClose: () => void;
}

/**
 * Beside the map: the selected step's fields, the very ones of the form (the same components on
 * the same form state, so the two can never disagree), with "Goes to" for the step's own route
 * (the keyboard's way to do what dragging from the step does); its Remove button asks first.
 */
export function CanvasStepPanel({ stepId, stepOptions, onClose }: CanvasStepPanelProps) {
  const { control, setValue, getValues } = useFormContext<ToolDefinition>();
  const { removeStep, moveStep } = useEditor();
  const steps = useWatch({ control, name: 'steps' }) ?? [];
  const index = steps.findIndex((step) => step.id === stepId);
  const step = steps[index];
  if (!step) return null;
  const label = stepOptions[index]?.label ?? `#${index + 1}`;
  // "Goes to" is the step's one way on; a step with conditions sets each (and "no match") below.
  const oneWayOn = step.next.kind !== 'decide' || step.next.conditions.length === 0;
  const below = stepOptions[index + 1];

  const goTo = (to: string | null) => {
    const next = routedNext(getValues('steps'), index, null, to);
    if (next) setValue(`steps.${index}.next`, next, { shouldDirty: true });
  };

  return (
    <section
      className="canvas-panel"
      aria-label={`Selected step ${label}`}
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || event.defaultPrevented) return;
        // Closes the panel only (the map's own Escape leaves full width).
        event.stopPropagation();
        onClose();
      }}
    >
      <div className="canvas-panel__header">
        <h2>Selected on the map: {label}</h2>
        <Button size="small" onClick={onClose} aria-label="Close the selected step">
          Close
        </Button>
      </div>
      {oneWayOn ? (
        <Field
          label="Goes to"
          hint="Where the conversation goes after the reply (or drag from the step on the map)."
        >
          {(props) => (
            <select
              {...props}
              className="ui-input"
              value={ownRoute(steps, index) ?? ''}
              onChange={(e) => goTo(e.target.value || null)}
            >
              <option value="">Don’t send anything (finish)</option>
              {stepOptions.map((option, at) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                  {at === index + 1 && below ? ' (the next message)' : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <StepEditor
        index={index}
        count={steps.length}
        steps={stepOptions}
        onRemove={() => removeStep(index)}
        onMove={(to) => moveStep(index, to)}
        idPrefix={PANEL_ID_PREFIX}
      />
    </section>
  );
}

/** Focuses the panel's first field once it shows step `index` (a node chosen with the keyboard). */
export function focusPanel(index: number): void {
  requestAnimationFrame(() => {
    const card = document.getElementById(`${PANEL_ID_PREFIX}-${index}`);
    // The panel from its header (which step, Close), not the card's middle.
    card?.closest('.canvas-panel')?.scrollIntoView({ block: 'nearest' });
    card?.querySelector<HTMLInputElement>('input')?.focus({ preventScroll: true });
  });
}

/** Focuses step `index`'s node on the map again (the panel closed: back where the marketer was). */
export function focusNode(index: number): void {
  requestAnimationFrame(() =>
    document
      .querySelector<HTMLButtonElement>(`[data-testid="map-step-${index}"] button`)
      ?.focus({ preventScroll: true }),
  );
}
