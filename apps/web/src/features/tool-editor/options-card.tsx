import { Controller, useFormContext } from 'react-hook-form';
import type { ToolDefinition } from '@sms-seq/engine';
import { Card, Field } from '@sms-seq/ui';
import { useEditor } from './editor-context';
import { TagSelect } from './pickers';
import { GoalFields } from './goal-fields';
import { fieldMessages } from './problem-index';
import { SendWindowFields } from './send-window-fields';

/** "Additional options": the note, the opt-out and invalid-number tags, expiry, reminder, re-asks and quiet hours. */
export function OptionsCard({ draft }: { draft: ToolDefinition }) {
  const { control, register } = useFormContext<ToolDefinition>();
  const { problems } = useEditor();
  const messagesAt = (key: string) => fieldMessages(problems.at(key));
  return (
    <Card title="4. Additional options">
      <label className="checkbox">
        <input type="checkbox" {...register('options.createNote')} /> Create a note on the contact
        record with this conversation
      </label>
      <div className="grid-2">
        <Controller
          control={control}
          name="options.optOutTagId"
          render={({ field }) => (
            <Field
              label="If this number has opted out of receiving texts, apply this tag"
              {...messagesAt('options.optOutTagId')}
            >
              {(props) => (
                <TagSelect
                  value={field.value}
                  onChange={field.onChange}
                  control={{ ...props, 'data-path': 'options.optOutTagId' }}
                  when="to numbers that have opted out"
                />
              )}
            </Field>
          )}
        />
        <Controller
          control={control}
          name="options.invalidNumberTagId"
          render={({ field }) => (
            <Field
              label="If this is not a valid mobile number, apply this tag"
              {...messagesAt('options.invalidNumberTagId')}
            >
              {(props) => (
                <TagSelect
                  value={field.value}
                  onChange={field.onChange}
                  control={{ ...props, 'data-path': 'options.invalidNumberTagId' }}
                  when="to numbers that are not valid mobile numbers"
                />
              )}
            </Field>
          )}
        />
        <GoalFields path="options.optOutGoal" when="when the number opts out" />
        <GoalFields
          path="options.invalidNumberGoal"
          when="when the number is not a valid mobile number"
        />
        <Field
          label="End an unanswered conversation after (hours)"
          hint="So nobody is stuck: the contact can start a sequence again afterwards."
          {...messagesAt('options.expiryMinutes')}
        >
          {(props) => (
            <Controller
              control={control}
              name="options.expiryMinutes"
              render={({ field }) => (
                <input
                  {...props}
                  data-path="options.expiryMinutes"
                  className="ui-input"
                  type="number"
                  min={1}
                  step="any"
                  value={
                    Number.isFinite(field.value) ? Math.round((field.value / 60) * 100) / 100 : ''
                  }
                  onChange={(e) =>
                    field.onChange(
                      e.target.value === '' ? Number.NaN : Math.round(Number(e.target.value) * 60),
                    )
                  }
                />
              )}
            />
          )}
        </Field>
        <Controller
          control={control}
          name="options.reminderMinutesBeforeExpiry"
          render={({ field }) => (
            <Field
              label="Send a reminder before it ends (minutes before; empty for none)"
              {...fieldMessages(problems.under('options.reminderMinutesBeforeExpiry'))}
            >
              {(props) => (
                <input
                  {...props}
                  data-path="options.reminderMinutesBeforeExpiry"
                  className="ui-input"
                  type="number"
                  min={1}
                  value={field.value ?? ''}
                  onChange={(e) =>
                    field.onChange(e.target.value === '' ? null : Number(e.target.value))
                  }
                />
              )}
            </Field>
          )}
        />
      </div>
      {draft.options?.reminderMinutesBeforeExpiry ? (
        <Field
          label="Reminder message"
          hint="Sent once when the contact has not replied; leave empty for a standard sentence."
          {...messagesAt('options.reminderMessage')}
        >
          {(props) => (
            <input
              {...props}
              data-path="options.reminderMessage"
              className="ui-input"
              {...register('options.reminderMessage')}
            />
          )}
        </Field>
      ) : null}
      <Controller
        control={control}
        name="options.maxReasks"
        render={({ field }) => (
          <Field
            label="When a reply is not what a step asks for, ask again up to (times)"
            hint="For steps that check the reply (email or number). After that, the sequence moves on."
            {...fieldMessages(problems.under('options.maxReasks'))}
          >
            {(props) => (
              <input
                {...props}
                data-path="options.maxReasks"
                className="ui-input ui-input--short"
                type="number"
                min={0}
                max={5}
                step={1}
                value={Number.isFinite(field.value) ? field.value : ''}
                onChange={(e) =>
                  field.onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))
                }
              />
            )}
          </Field>
        )}
      />
      <SendWindowFields />
    </Card>
  );
}
