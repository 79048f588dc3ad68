import { useFormContext, useWatch } from 'react-hook-form';
import type { SendWindow, ToolDefinition } from '@sms-seq/engine';
import { Field } from '@sms-seq/ui';
import { useEditor } from './editor-context';
import { fieldMessages } from './problem-index';

const DEFAULT_SEND_WINDOW: SendWindow = {
  start: '09:00',
  end: '20:00',
  defaultTimeZone: 'America/New_York',
};
const COMMON_TIME_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
];

/** Every IANA zone this browser knows, the usual US ones first. */
function timeZoneOptions(current: string): string[] {
  const all =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...COMMON_TIME_ZONES, current, ...all])];
}

/** Quiet hours: texts due outside the window wait until it opens, in the contact's time zone. */
export function SendWindowFields() {
  const { control, register, setValue } = useFormContext<ToolDefinition>();
  const { problems } = useEditor();
  const sendWindow = useWatch({ control, name: 'options.sendWindow' });
  const messages = (key: string) => fieldMessages(problems.under(key));
  return (
    <fieldset className="send-window" data-path="options.sendWindow" tabIndex={-1}>
      <legend>Quiet hours</legend>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={Boolean(sendWindow)}
          onChange={(e) =>
            setValue('options.sendWindow', e.target.checked ? DEFAULT_SEND_WINDOW : null, {
              shouldDirty: true,
            })
          }
        />{' '}
        Only send texts between certain hours (texts due outside them wait until the next morning)
      </label>
      {sendWindow ? (
        <div className="grid-3">
          <Field
            label="Send from"
            hint="Contact’s local time"
            {...messages('options.sendWindow.start')}
          >
            {(props) => (
              <input
                {...props}
                data-path="options.sendWindow.start"
                className="ui-input"
                type="time"
                {...register('options.sendWindow.start')}
              />
            )}
          </Field>
          <Field
            label="Send until"
            hint="Later than “from” for a daytime window"
            {...messages('options.sendWindow.end')}
          >
            {(props) => (
              <input
                {...props}
                data-path="options.sendWindow.end"
                className="ui-input"
                type="time"
                {...register('options.sendWindow.end')}
              />
            )}
          </Field>
          <Field
            label="Time zone when the contact’s is unknown"
            {...messages('options.sendWindow.defaultTimeZone')}
          >
            {(props) => (
              <select
                {...props}
                data-path="options.sendWindow.defaultTimeZone"
                className="ui-input"
                {...register('options.sendWindow.defaultTimeZone')}
              >
                {timeZoneOptions(sendWindow.defaultTimeZone).map((zone) => (
                  <option key={zone} value={zone}>
                    {zone.replace(/_/g, ' ')}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      ) : null}
    </fieldset>
  );
}
