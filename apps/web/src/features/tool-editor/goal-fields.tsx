import { Controller, useFormContext } from 'react-hook-form';
import type { ApiGoal, ToolDefinition } from '@sms-seq/engine';
import { Field } from '@sms-seq/ui';
import { useEditor } from './editor-context';
import { fieldMessages } from './problem-index';

export interface GoalFieldsProps {
  /** Where the goal sits in the tool: `options.optOutGoal`, `steps.0.next.fallbackGoal`, … */
  path: string;
  /** When it is achieved, ending "Achieve a Keap API goal …": "when condition 1 matches". */
  when: string;
}

/**
 * "Achieve a Keap API goal" beside a tag: the integration and call name the campaign builder's
 * API goal is set up with. Unticked, the goal is null (nothing is achieved).
 */
export function GoalFields({ path, when }: GoalFieldsProps) {
  const { control } = useFormContext<ToolDefinition>();
  const { problems } = useEditor();
  return (
    <Controller
      control={control}
      name={path as 'options.optOutGoal'}
      render={({ field }) => {
        const goal = (field.value ?? null) as ApiGoal | null;
        const set = (change: Partial<ApiGoal>) =>
          field.onChange({ integration: '', callName: '', ...goal, ...change });
        return (
          <div className="goal-fields" data-path={path}>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={goal !== null}
                onChange={(e) =>
                  field.onChange(e.target.checked ? { integration: '', callName: '' } : null)
                }
              />{' '}
              Achieve a Keap API goal {when}
            </label>
            {goal !== null ? (
              <>
                <div className="grid-2">
                  <Field
                    label="Integration name"
                    {...fieldMessages(problems.at(`${path}.integration`))}
                  >
                    {(props) => (
                      <input
                        {...props}
                        className="ui-input"
                        data-path={`${path}.integration`}
                        value={goal.integration}
                        placeholder="smsSequences"
                        onChange={(e) => set({ integration: e.target.value })}
                        onBlur={field.onBlur}
                      />
                    )}
                  </Field>
                  <Field label="Call name" {...fieldMessages(problems.at(`${path}.callName`))}>
                    {(props) => (
                      <input
                        {...props}
                        className="ui-input"
                        data-path={`${path}.callName`}
                        value={goal.callName}
                        placeholder="replied"
                        onChange={(e) => set({ callName: e.target.value })}
                        onBlur={field.onBlur}
                      />
                    )}
                  </Field>
                </div>
                <p className="muted">
                  In Keap&rsquo;s campaign builder, add an API goal and enter the same integration
                  and call name (letters, digits and underscores). The contact then achieves that
                  goal {when}, after the reply is saved to its field, and the campaign moves on from
                  it.
                </p>
              </>
            ) : null}
          </div>
        );
      }}
    />
  );
}
