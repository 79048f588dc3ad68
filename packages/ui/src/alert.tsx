import type { ReactNode } from 'react';
import type { Tone } from './badge';

export interface AlertProps {
  tone?: Exclude<Tone, 'neutral'>;
  title?: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
}

/** A message about the state of things; errors are announced to screen readers at once. */
export function Alert({ tone = 'info', title, children, actions }: AlertProps) {
  return (
    <div className={`ui-alert ui-alert--${tone}`} role={tone === 'danger' ? 'alert' : 'status'}>
      <div className="ui-alert__text">
        {title ? <strong className="ui-alert__title">{title}</strong> : null}
        {children ? <div>{children}</div> : null}
      </div>
      {actions ? <div className="ui-alert__actions">{actions}</div> : null}
    </div>
  );
}
