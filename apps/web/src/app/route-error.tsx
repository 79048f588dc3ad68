import { Link, useRouteError } from 'react-router-dom';
import { Button } from '@sms-seq/ui';
import { usePageHeading } from './page-heading';
import { describeRouteError } from './route-error-text';

/**
 * What a screen shows instead of itself when it cannot be drawn: its code did not arrive (a
 * lazily loaded chunk failed: the connection dropped, or the console was updated meanwhile) or
 * it ran into a bug. One sentence on what happened, and the two ways out: reload, or go back.
 * Nothing the marketer saved is lost; the editor saves drafts as they type.
 */
export function RouteError() {
  const error = useRouteError();
  const { title, text } = describeRouteError(error);
  const heading = usePageHeading<HTMLHeadingElement>(title, { focus: 'always' });
  return (
    <div className="page route-error">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p className="lead">{text}</p>
      <div className="row">
        {/* A failed chunk stays failed for this page load: only a reload fetches it again. */}
        <Button variant="primary" onClick={() => window.location.reload()}>
          Try again
        </Button>
        <Button onClick={() => window.history.back()}>Go back</Button>
        <Link className="ui-button ui-button--ghost" to="/">
          Go to your tools
        </Link>
      </div>
    </div>
  );
}
