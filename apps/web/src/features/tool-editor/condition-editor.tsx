import { Controller, useFormContext, useWatch } from 'react-hook-form';
import type { ComparisonOperator, Condition, Operand, ToolDefinition } from '@sms-seq/engine';
import { Button, Field } from '@sms-seq/ui';
import { useEditor } from './editor-context';
import { fieldMessages } from './problem-index';
import { FieldSelect, StepSelect, TagSelect, type StepOption } from './pickers';
import { GoalFields } from './goal-fields';

const OPERATORS: { value: ComparisonOperator; label: string }[] = [
  { value: 'lt', label: 'less than' },
  { value: 'lte', label: 'less than or equal to' },
  { value: 'gt', label: 'greater than' },
  { value: 'gte', label: 'greater than or equal to' },
];

export const KIND_LABELS: Record<Condition['kind'], string> = {
  equals_any: 'Equals / contains',
  compare: 'Less / greater than',
  between: 'Between',
};

export interface ConditionEditorProps {
  stepIndex: number;
  index: number;
  count: number;
  steps: StepOption[];
  onRemove: () => void;
  onMove: (to: number) => void;
}

/** One "let me decide" condition: the test on the reply, the tag it applies and the step it sends. */
export function ConditionEditor({
  stepIndex,
  index,
  count,
  steps,
  onRemove,
  onMove,
}: ConditionEditorProps) {
  const { control } = useFormContext<ToolDefinition>();
  const { problems } = useEditor();
  const base = `steps.${stepIndex}.next.conditions.${index}` as const;
  const condition = useWatch({ control, name: base as `steps.${number}.next` }) as unknown as
    Condition | undefined;
  if (!condition) return null;
  const messages = (suffix: string) =>
    fieldMessages(problems.at(suffix ? `${base}.${suffix}` : base));
  const own = messages('');
  // The list's own problems and each value's (values.N: a reserved word, …), under the one field.
  const valueMessages = fieldMessages(problems.under(`${base}.values`));
  const name = `condition ${index + 1} of message ${stepIndex + 1}`;

  return (
    <fieldset className="condition" data-path={base} tabIndex={-1}>
      <legend>
        Condition {index + 1}: {KIND_LABELS[condition.kind]}
      </legend>
      <div className="condition__tools">
        <Button
          size="small"
          variant="ghost"
          disabled={index === 0}
          onClick={() => onMove(index - 1)}
          aria-label={`Move ${name} up`}
        >
          ↑
        </Button>
        <Button
          size="small"
          variant="ghost"
          disabled={index === count - 1}
          onClick={() => onMove(index + 1)}
          aria-label={`Move ${name} down`}
        >
          ↓
        </Button>
        <Button size="small" variant="ghost" onClick={onRemove} aria-label={`Remove ${name}`}>
          Remove
        </Button>
      </div>
      {own.error ? <p className="ui-field__error">{own.error}</p> : null}
      {own.warning ? <p className="ui-field__warning">{own.warning}</p> : null}

      {condition.kind === 'equals_any' ? (
        <Controller
          control={control}
          name={`${base}.values` as `steps.${number}.mediaUrls`}
          render={({ field }) => (
            <Field
              label="If the response EQUALS ANY of these words/phrases (one per line)"
              hint={'Not case-sensitive. Use * as a wildcard: *yes* matches "Hi, yes please."'}
              {...valueMessages}
            >
              {(props) => (
                <textarea
                  {...props}
                  data-path={`${base}.values`}
                  className="ui-input"
                  rows={3}
                  value={(field.value ?? []).join('\n')}
                  onChange={(e) => field.onChange(e.target.value.split('\n'))}
                  onBlur={() => {
                    field.onChange(
                      (field.value ?? []).map((value) => value.trim()).filter(Boolean),
                    );
                    field.onBlur();
                  }}
                />
              )}
            </Field>
          )}
        />
      ) : null}
      {condition.kind === 'compare' ? <Inequality base={base} label="If the response is" /> : null}
      {condition.kind === 'between' ? (
        <>
          <Inequality base={`${base}.first`} label="If the response is" />
          <Inequality base={`${base}.second`} label="and the response is" />
        </>
      ) : null}

      <div className="grid-2">
        <Controller
          control={control}
          name={`${base}.tagId` as `options.optOutTagId`}
          render={({ field }) => (
            <Field label="Apply this tag when it matches" {...messages('tagId')}>
              {(props) => (
                <TagSelect
                  value={field.value ?? null}
                  onChange={field.onChange}
                  control={{ ...props, 'data-path': `${base}.tagId` }}
                  when={`when ${name} matches`}
                />
              )}
            </Field>
          )}
        />
        <Controller
          control={control}
          name={`${base}.nextStepId` as `steps.${number}.saveTo`}
          render={({ field }) => (
            <Field label="Then send this step" {...messages('nextStepId')}>
              {(props) => (
                <StepSelect
                  value={field.value ?? null}
                  onChange={field.onChange}
                  steps={steps}
                  control={{ ...props, 'data-path': `${base}.nextStepId` }}
                  when={`when ${name} matches`}
                />
              )}
            </Field>
          )}
        />
      </div>
      <GoalFields path={`${base}.goal`} when={`when ${name} matches`} />
    </fieldset>
  );
}

/** "less/greater than (or equal) a static value or a contact field's value". */
function Inequality({ base, label }: { base: string; label: string }) {
  const { control } = useFormContext<ToolDefinition>();
  const { problems } = useEditor();
  const messages = (suffix: string) => fieldMessages(problems.under(`${base}.${suffix}`));
  return (
    <div className="inequality">
      <Controller
        control={control}
        name={`${base}.op` as `startMode`}
        render={({ field }) => (
          <Field label={label} {...messages('op')}>
            {(props) => (
              <select
                {...props}
                data-path={`${base}.op`}
                className="ui-input"
                value={field.value}
                onChange={(e) => field.onChange(e.target.value)}
              >
                {OPERATORS.map((operator) => (
                  <option key={operator.value} value={operator.value}>
                    {operator.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
      />
      <Controller
        control={control}
        name={`${base}.value` as `name`}
        render={({ field }) => {
          const operand = field.value as unknown as Operand;
          return (
            <>
              <Field label="Where does the value come from?">
                {(props) => (
                  <select
                    {...props}
                    className="ui-input"
                    value={operand.source}
                    onChange={(e) =>
                      field.onChange(
                        e.target.value === 'field'
                          ? { source: 'field', field: '' }
                          : { source: 'static', value: 0 },
                      )
                    }
                  >
                    <option value="static">A value I type in</option>
                    <option value="field">A field of the contact</option>
                  </select>
                )}
              </Field>
              {operand.source === 'static' ? (
                <Field label="Value" {...messages('value')}>
                  {(props) => (
                    <input
                      {...props}
                      data-path={`${base}.value.value`}
                      className="ui-input"
                      type="number"
                      step="any"
                      value={Number.isFinite(operand.value) ? operand.value : ''}
                      onChange={(e) =>
                        field.onChange({
                          source: 'static',
                          value: e.target.value === '' ? Number.NaN : Number(e.target.value),
                        })
                      }
                    />
                  )}
                </Field>
              ) : (
                <Field label="Contact field" {...messages('value')}>
                  {(props) => (
                    <FieldSelect
                      value={operand.field || null}
                      allowNone
                      noneLabel="Choose a field…"
                      onChange={(key) => field.onChange({ source: 'field', field: key ?? '' })}
                      control={{ ...props, 'data-path': `${base}.value.field` }}
                    />
                  )}
                </Field>
              )}
            </>
          );
        }}
      />
    </div>
  );
}
