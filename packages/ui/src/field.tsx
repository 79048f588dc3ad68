import { useId, type ReactNode } from 'react';

export interface FieldProps {
  label: ReactNode;
  /** One sentence that helps a marketer fill the field in. */
  hint?: ReactNode;
  error?: string | null;
  warning?: string | null;
  /** Receives the input id and the ids that describe it, so the input is labelled and described. */
  children: (props: {
    id: string;
    'aria-describedby'?: string;
    'aria-invalid'?: boolean;
  }) => ReactNode;
  className?: string;
  /** Extra controls placed on the label line (e.g. a "+" button). */
  action?: ReactNode;
}

/** A labelled form field that shows its hint, error and warning where the problem is. */
export function Field({ label, hint, error, warning, children, className, action }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const warningId = warning ? `${id}-warning` : undefined;
  const describedBy = [hintId, errorId, warningId].filter(Boolean).join(' ') || undefined;
  const classes = [
    'ui-field',
    error ? 'ui-field--error' : '',
    warning && !error ? 'ui-field--warning' : '',
    className ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={classes}>
      <div className="ui-field__label-row">
        <label htmlFor={id} className="ui-field__label">
          {label}
        </label>
        {action}
      </div>
      <div className="ui-field__control">
        {children({
          id,
          'aria-describedby': describedBy,
          'aria-invalid': error ? true : undefined,
        })}
      </div>
      {hint ? (
        <p id={hintId} className="ui-field__hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        // Not an alert: the field is described by it (read on focus), and live validation would
        // otherwise interrupt the reader on every keystroke.
        <p id={errorId} className="ui-field__error">
          {error}
        </p>
      ) : null}
      {warning ? (
        <p id={warningId} className="ui-field__warning">
          {warning}
        </p>
      ) : null}
    </div>
  );
}
