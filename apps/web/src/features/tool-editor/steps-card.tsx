import type { UseFieldArrayReturn } from 'react-hook-form';
import type { ToolDefinition } from '@sms-seq/engine';
import { Button, Card } from '@sms-seq/ui';
import { useEditor } from './editor-context';
import { newStep } from './new-ids';
import type { StepOption } from './pickers';
import { fieldMessages } from './problem-index';
import { jumpToStep, StepEditor } from './step-editor';

export interface StepsCardProps {
  steps: UseFieldArrayReturn<ToolDefinition, 'steps', 'fieldKey'>;
  /** Every step as a step picker lists it. */
  stepOptions: StepOption[];
}

/** "Sequence steps": a card per step, and the button that adds one. */
export function StepsCard({ steps, stepOptions }: StepsCardProps) {
  const { problems, removeStep } = useEditor();
  return (
    <Card title="3. Sequence steps" data-path="steps" tabIndex={-1}>
      {fieldMessages(problems.at('steps')).error ? (
        <p className="ui-field__error">{fieldMessages(problems.at('steps')).error}</p>
      ) : null}
      {fieldMessages(problems.at('steps')).warning ? (
        <p className="ui-field__warning">{fieldMessages(problems.at('steps')).warning}</p>
      ) : null}
      <div className="stack">
        {steps.fields.map((step, index) => (
          <StepEditor
            key={step.fieldKey}
            index={index}
            count={steps.fields.length}
            steps={stepOptions}
            onRemove={() => removeStep(index)}
            onMove={(to) => steps.move(index, to)}
          />
        ))}
      </div>
      <Button
        variant="primary"
        onClick={() => {
          steps.append(newStep(`Message #${steps.fields.length + 1}`), {
            shouldFocus: false,
          });
          requestAnimationFrame(() => jumpToStep(steps.fields.length));
        }}
      >
        + Add sequence step message
      </Button>
    </Card>
  );
}
