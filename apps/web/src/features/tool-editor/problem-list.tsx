import type { Problem } from '@sms-seq/engine';
import { Badge } from '@sms-seq/ui';
import { focusPath } from './problem-index';

/** Every problem, each a button that jumps to the field it is about. */
export function ProblemList({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return <p className="all-good">No problems found.</p>;
  return (
    <div className="problem-list" aria-label="Problems">
      <h2>Problems ({problems.length})</h2>
      <ul>
        {problems.map((problem, index) => (
          <li key={index} className={`problem problem--${problem.severity}`}>
            <button type="button" className="link-button" onClick={() => focusPath(problem.path)}>
              <Badge tone={problem.severity === 'error' ? 'danger' : 'warning'}>
                {problem.severity === 'error' ? 'Fix' : 'Check'}
              </Badge>{' '}
              {problem.message}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
