export interface SpinnerProps {
  size?: 'small' | 'normal';
  /** Read by screen readers; an empty label hides the spinner from them (the parent says it). */
  label?: string;
}

export function Spinner({ size = 'normal', label = 'Loading…' }: SpinnerProps) {
  return (
    <span
      className={`ui-spinner ui-spinner--${size}`}
      role={label ? 'status' : undefined}
      aria-hidden={label ? undefined : true}
    >
      <span className="ui-spinner__circle" />
      {label ? <span className="ui-visually-hidden">{label}</span> : null}
    </span>
  );
}

/** A whole-area loading state with words, for pages and panels; announced (a polite status). */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="ui-loading" role="status">
      <Spinner label="" />
      <span>{label}</span>
    </div>
  );
}
