import { useRef } from 'react';
import { Controller, useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { Condition, Next, Step, ToolDefinition } from '@sms-seq/engine';
import { Badge, Button, Field } from '@sms-seq/ui';
import { ConditionEditor, KIND_LABELS } from './condition-editor';
import { useEditor } from './editor-context';
import { insertToken as insertTokenAt } from './insert-token';
import { MessageFacts } from './message-facts';
import { newCondition } from './new-ids';
import { finishSentence } from './finish-kind';
import { fieldMessages } from './problem-index';
import { FieldSelect, MergeFieldPicker, StepSelect, TagSelect, type StepOption } from './pickers';
import { GoalFields } from './goal-fields';

export interface StepEditorProps {
  index: number;
  count: number;
  steps: StepOption[];
  onRemove: () => void;
  onMove: (to: number) => void;
  /** The card's id is `${idPrefix}-${index}`: the canvas's panel shows a step the form shows too. */
  idPrefix?: string;
}

export { stepLabel } from './step-label';

/** Scrolls to the card of step `index` (a map node clicked, a step added) and focuses its name. */
export function jumpToStep(index: number): void {
  const card = document.getElementById(`step-${index}`);
  card?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  // After the click has finished its own focus handling.
  requestAnimationFrame(() =>
    card?.querySelector<HTMLInputElement>('input')?.focus({ preventScroll: true }),
  );
}

/** One sequence step, as the seed's "Message #" block: name, message, media, save-to, what next. */
export function StepEditor({
  index,
  count,
  steps,
  onRemove,
  onMove,
  idPrefix = 'step',
}: StepEditorProps) {
  const { control, setValue, getValues } = useFormContext<ToolDefinition>();
  const { problems } = useEditor();
  const base = `steps.${index}` as const;
  const step = useWatch({ control, name: base });
  const messageRef = useRef<HTMLTextAreaElement | null>(null);
  if (!step) return null;
  const messages = (suffix: string) => fieldMessages(problems.at(`${base}.${suffix}`));
  const own = fieldMessages(problems.at(base));
  const stepProblems = problems.under(base);
  const errorCount = stepProblems.filter((problem) => problem.severity === 'error').length;
  const warningCount = stepProblems.length - errorCount;
  const cardId = `${idPrefix}-${index}`;

  const insertToken = (token: string) => {
    const textarea = messageRef.current;
    const current = getValues(`${base}.message`) ?? '';
    const inserted = insertTokenAt(
      current,
      textarea?.selectionStart ?? current.length,
      textarea?.selectionEnd ?? current.length,
      token,
    );
    setValue(`${base}.message`, inserted.text, { shouldDirty: true });
    requestAnimationFrame(() => {
      textarea?.focus();
      textarea?.setSelectionRange(inserted.caret, inserted.caret);
    });
  };

  const setNextKind = (kind: Next['kind']) => {
    const next: Next =
      kind === 'decide'
        ? { kind, conditions: [], fallbackTagId: null, fallbackStepId: null }
        : kind === 'finish'
          ? { kind }
          : { kind: 'next' };
    setValue(`${base}.next`, next, { shouldDirty: true });
  };

  const mediaCount = (step.mediaUrls ?? []).filter((url) => url.trim()).length;

  return (
    <section
      className={`step-card ${errorCount ? 'step-card--error' : ''}`}
      id={cardId}
      aria-labelledby={`${cardId}-title`}
      tabIndex={-1}
      data-path={base}
    >
      <header className="step-card__header">
        <h3 id={`${cardId}-title`}>
          Message #{index + 1}
          <span className="step-card__name">{step.name ? ` — ${step.name}` : ''}</span>
        </h3>
        <div className="row row--tight">
          {errorCount ? <Badge tone="danger">{errorCount} to fix</Badge> : null}
          {warningCount ? (
            <Badge tone="warning">
              {warningCount} warning{warningCount > 1 ? 's' : ''}
            </Badge>
          ) : null}
          <Button
            size="small"
            variant="ghost"
            disabled={index === 0}
            onClick={() => onMove(index - 1)}
            aria-label={`Move message ${index + 1} up`}
          >
            ↑
          </Button>
          <Button
            size="small"
            variant="ghost"
            disabled={index === count - 1}
            onClick={() => onMove(index + 1)}
            aria-label={`Move message ${index + 1} down`}
          >
            ↓
          </Button>
          <Button
            size="small"
            variant="danger"
            onClick={onRemove}
            aria-label={`Remove message ${index + 1}`}
          >
            Remove
          </Button>
        </div>
      </header>
      {own.error ? <p className="ui-field__error">{own.error}</p> : null}
      {own.warning ? <p className="ui-field__warning">{own.warning}</p> : null}

      {/* Controlled inputs (Controller, not register): the canvas's panel and the form can show
          the same step at once, and both must always show the form's one value. */}
      <StepTextInput
        name={`${base}.name`}
        label="Message name"
        hint="Shown on the sequence map."
        messages={messages('name')}
      />

      <Controller
        control={control}
        name={`${base}.message`}
        render={({ field }) => (
          <Field
            label="Message to send"
            {...messages('message')}
            action={<MergeFieldPicker messageName={`message ${index + 1}`} onPick={insertToken} />}
          >
            {(props) => (
              <textarea
                {...props}
                data-path={`${base}.message`}
                className="ui-input"
                rows={4}
                name={field.name}
                value={field.value ?? ''}
                onChange={field.onChange}
                onBlur={field.onBlur}
                ref={messageRef}
              />
            )}
          </Field>
        )}
      />
      <MessageFacts message={step.message ?? ''} mediaCount={mediaCount} />

      <Controller
        control={control}
        name={`${base}.mediaUrls`}
        render={({ field }) => (
          <Field
            label="Include the following media (MMS)"
            hint="Direct links to images or other media, one per line. Non-image media over about 500 KB may not arrive on every carrier."
            {...fieldMessages(problems.under(`${base}.mediaUrls`))}
          >
            {(props) => (
              <textarea
                {...props}
                data-path={`${base}.mediaUrls`}
                className="ui-input"
                rows={2}
                placeholder="https://example.com/picture.jpg"
                value={(field.value ?? []).join('\n')}
                onChange={(e) => field.onChange(e.target.value.split('\n'))}
                onBlur={() => {
                  field.onChange((field.value ?? []).map((url) => url.trim()).filter(Boolean));
                  field.onBlur();
                }}
              />
            )}
          </Field>
        )}
      />

      <div className="grid-2">
        <Controller
          control={control}
          name={`${base}.saveTo`}
          render={({ field }) => (
            <Field label="Save the response to this field" {...messages('saveTo')}>
              {(props) => (
                <FieldSelect
                  value={field.value ?? null}
                  onChange={field.onChange}
                  control={{ ...props, 'data-path': `${base}.saveTo` }}
                  create={`to save the reply to message ${index + 1} in`}
                />
              )}
            </Field>
          )}
        />
        <Field
          label="Check the reply"
          hint="When the reply is not what is asked for, the step asks again (how often: see Additional options)."
          {...messages('validation')}
        >
          {(props) => (
            <select
              {...props}
              data-path={`${base}.validation`}
              className="ui-input"
              value={step.validation}
              onChange={(e) =>
                setValue(`${base}.validation`, e.target.value as Step['validation'], {
                  shouldDirty: true,
                })
              }
            >
              <option value="none">Accept any reply</option>
              <option value="email">Must be an email address</option>
              <option value="number">Must be a number</option>
            </select>
          )}
        </Field>
      </div>
      {step.validation !== 'none' ? (
        <StepTextInput
          name={`${base}.reaskMessage`}
          label="Ask again with"
          hint="Leave empty for a standard sentence."
          messages={messages('reaskMessage')}
        />
      ) : null}

      <Field
        label="What should happen next?"
        hint={finishSentence(step) ?? undefined}
        {...messages('next')}
      >
        {(props) => (
          <select
            {...props}
            data-path={`${base}.next`}
            className="ui-input"
            value={step.next.kind}
            onChange={(e) => setNextKind(e.target.value as Next['kind'])}
          >
            <option value="next">The next message (the one below this)</option>
            <option value="decide">Let me decide (configure conditions)</option>
            <option value="finish">Don’t send anything (finish)</option>
          </select>
        )}
      </Field>
      {step.next.kind === 'decide' ? <DecideEditor stepIndex={index} steps={steps} /> : null}
    </section>
  );
}

/** "Let me decide": conditions top to bottom, then the fallback tag and step. */
/**
 * A step's one-line text, controlled (Controller, not register): the canvas's panel and the form
 * can show the same step at once, and both must always show the form's one value.
 */
function StepTextInput({
  name,
  label,
  hint,
  messages,
}: {
  name: `steps.${number}.name` | `steps.${number}.reaskMessage`;
  label: string;
  hint: string;
  messages: ReturnType<typeof fieldMessages>;
}) {
  const { control } = useFormContext<ToolDefinition>();
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <Field label={label} hint={hint} {...messages}>
          {(props) => (
            <input
              {...props}
              data-path={name}
              className="ui-input"
              name={field.name}
              value={field.value ?? ''}
              onChange={field.onChange}
              onBlur={field.onBlur}
            />
          )}
        </Field>
      )}
    />
  );
}

function DecideEditor({ stepIndex, steps }: { stepIndex: number; steps: StepOption[] }) {
  const { control } = useFormContext<ToolDefinition>();
  const { problems } = useEditor();
  const base = `steps.${stepIndex}.next` as const;
  const conditions = useFieldArray({
    control,
    name: `${base}.conditions` as `steps.${number}.next.conditions`,
    keyName: 'fieldKey',
  } as never) as unknown as {
    fields: (Condition & { fieldKey: string })[];
    append: (condition: Condition) => void;
    remove: (index: number) => void;
    move: (from: number, to: number) => void;
  };
  const add = (kind: Condition['kind']) => conditions.append(newCondition(kind));

  return (
    <div className="decide">
      <p className="muted">
        Conditions are checked from top to bottom; the first that matches applies its tag and sends
        its step.
      </p>
      {conditions.fields.map((condition, index) => (
        <ConditionEditor
          key={condition.fieldKey}
          stepIndex={stepIndex}
          index={index}
          count={conditions.fields.length}
          steps={steps}
          onRemove={() => conditions.remove(index)}
          onMove={(to) => conditions.move(index, to)}
        />
      ))}
      <div
        className="row row--tight"
        role="group"
        aria-label={`Add a condition to message ${stepIndex + 1}`}
      >
        <span className="muted">Add condition:</span>
        {(Object.keys(KIND_LABELS) as Condition['kind'][]).map((kind) => (
          <Button key={kind} size="small" onClick={() => add(kind)}>
            + {KIND_LABELS[kind]}
          </Button>
        ))}
      </div>
      <div className="grid-2">
        <Controller
          control={control}
          name={`${base}.fallbackTagId` as `options.optOutTagId`}
          render={({ field }) => (
            <Field
              label="Apply this tag if the response meets none of the criteria, or none are configured"
              {...fieldMessages(problems.at(`${base}.fallbackTagId`))}
            >
              {(props) => (
                <TagSelect
                  value={field.value ?? null}
                  onChange={field.onChange}
                  control={{ ...props, 'data-path': `${base}.fallbackTagId` }}
                  when={`when no condition of message ${stepIndex + 1} matches`}
                />
              )}
            </Field>
          )}
        />
        <Controller
          control={control}
          name={`${base}.fallbackStepId` as `steps.${number}.saveTo`}
          render={({ field }) => (
            <Field
              label="If none of the criteria are met, send this step"
              {...fieldMessages(problems.at(`${base}.fallbackStepId`))}
            >
              {(props) => (
                <StepSelect
                  value={field.value ?? null}
                  onChange={field.onChange}
                  steps={steps}
                  control={{ ...props, 'data-path': `${base}.fallbackStepId` }}
                  when={`when no condition of message ${stepIndex + 1} matches`}
                />
              )}
            </Field>
          )}
        />
      </div>
      <GoalFields
        path={`${base}.fallbackGoal`}
        when={`when no condition of message ${stepIndex + 1} matches`}
      />
    </div>
  );
}
