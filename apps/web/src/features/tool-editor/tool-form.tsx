import { useFormContext, type UseFieldArrayReturn } from 'react-hook-form';
import { requestEmailStep, type ToolDefinition } from '@sms-seq/engine';
import { Card, Field } from '@sms-seq/ui';
import type { Senders } from '../../api/api.types';
import { useEditor } from './editor-context';
import { OptionsCard } from './options-card';
import type { StepOption } from './pickers';
import { fieldMessages } from './problem-index';
import { SenderCard } from './sender-card';
import { StepsCard } from './steps-card';

export interface ToolFormProps {
  /** The form's values as of the last change. */
  draft: ToolDefinition;
  steps: UseFieldArrayReturn<ToolDefinition, 'steps', 'fieldKey'>;
  stepOptions: StepOption[];
  senders: Senders | undefined;
  sendersError: string | null;
  /** "+" beside the sender: buy a new number. */
  onBuy: () => void;
}

/** The seed's form, card by card: start mode, sender, steps, options, tool name. */
export function ToolForm({
  draft,
  steps,
  stepOptions,
  senders,
  sendersError,
  onBuy,
}: ToolFormProps) {
  return (
    <form
      className="editor-form"
      aria-label="Tool settings"
      onSubmit={(e) => e.preventDefault()}
      noValidate
    >
      <StartModeCard />
      <SenderCard
        draft={draft}
        senders={senders}
        sendersError={sendersError}
        onBuy={onBuy}
        onAddEmailStep={() => steps.prepend(requestEmailStep())}
      />
      <StepsCard steps={steps} stepOptions={stepOptions} />
      <OptionsCard draft={draft} />
      <ToolNameCard />
    </form>
  );
}

function StartModeCard() {
  const { register } = useFormContext<ToolDefinition>();
  return (
    <Card title="1. How would you like to start this SMS sequence?">
      <fieldset className="radio-group" data-path="startMode" tabIndex={-1}>
        <legend className="ui-visually-hidden">Start mode</legend>
        <label className="radio">
          <input type="radio" value="keyword_or_http" {...register('startMode')} /> Both via text of
          a keyword or an HTTP Post in a campaign
        </label>
        <label className="radio">
          <input type="radio" value="http_only" {...register('startMode')} /> Only via HTTP Post in
          a campaign sequence
        </label>
      </fieldset>
    </Card>
  );
}

function ToolNameCard() {
  const { register } = useFormContext<ToolDefinition>();
  const { problems } = useEditor();
  return (
    <Card title="5. Tool name">
      <Field
        label="Tool name"
        hint="Only you see it; contacts never do."
        {...fieldMessages(problems.at('name'))}
      >
        {(props) => (
          <input {...props} data-path="name" className="ui-input" {...register('name')} />
        )}
      </Field>
    </Card>
  );
}
