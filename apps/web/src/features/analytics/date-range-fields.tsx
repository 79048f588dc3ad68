import { Field } from '@sms-seq/ui';
import { dayBefore, type Day } from './date-range';

export interface DaysPicked {
  first: Day;
  last: Day;
}

/**
 * The first and last day to count (both optional, in the browser's time zone), with quick picks.
 * The funnel page and the map's numbers use the same fields.
 */
export function DateRangeFields({
  value,
  onChange,
  error,
}: {
  value: DaysPicked;
  onChange: (next: DaysPicked) => void;
  error?: string;
}) {
  const today = new Date();
  const last = (days: number) =>
    onChange({ first: dayBefore(today, days - 1), last: dayBefore(today, 0) });
  return (
    <div className="date-range" role="group" aria-label="Dates">
      <Field label="From" {...(error ? { error } : {})}>
        {(props) => (
          <input
            {...props}
            type="date"
            className="ui-input"
            value={value.first}
            max={value.last || undefined}
            onChange={(e) => onChange({ ...value, first: e.target.value })}
          />
        )}
      </Field>
      <Field label="To">
        {(props) => (
          <input
            {...props}
            type="date"
            className="ui-input"
            value={value.last}
            min={value.first || undefined}
            onChange={(e) => onChange({ ...value, last: e.target.value })}
          />
        )}
      </Field>
      <div className="date-range__quick">
        <button type="button" className="link-button" onClick={() => last(7)}>
          Last 7 days
        </button>
        <button type="button" className="link-button" onClick={() => last(30)}>
          Last 30 days
        </button>
        <button
          type="button"
          className="link-button"
          onClick={() => onChange({ first: '', last: '' })}
          disabled={!value.first && !value.last}
        >
          All time
        </button>
      </div>
    </div>
  );
}
