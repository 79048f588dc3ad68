import { useState } from 'react';
import { Alert, Badge, Button, Card, CopyField } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import type { ToolDetail } from '../../api/api.types';
import { useRotateSecret, useSetToolEnabled } from '../../api/use-tools';
import type { ProblemIndex } from './problem-index';
import { focusPath } from './problem-index';

export interface PublishPanelProps {
  tool: ToolDetail;
  problems: ProblemIndex;
  publishing: boolean;
  publishError: string | null;
  serverProblems: string[] | null;
  onPublish: () => void;
}

/** Publish (disabled with the reasons while errors remain), then the tool URL and the campaign instructions. */
export function PublishPanel({
  tool,
  problems,
  publishing,
  publishError,
  serverProblems,
  onPublish,
}: PublishPanelProps) {
  const blocked = problems.errors.length > 0;
  const rotate = useRotateSecret(tool.id);
  const setEnabled = useSetToolEnabled(tool.id);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const reasonsId = `publish-reasons-${tool.id}`;
  return (
    <Card
      className="publish-panel"
      title={
        tool.publishedVersion
          ? `Published: version ${tool.publishedVersion.version}`
          : 'Not published yet'
      }
      actions={
        <Button
          variant="primary"
          disabled={blocked}
          busy={publishing}
          onClick={onPublish}
          aria-describedby={blocked ? reasonsId : undefined}
        >
          {tool.publishedVersion ? 'Publish changes' : 'Publish'}
        </Button>
      }
    >
      {blocked ? (
        <div id={reasonsId} className="publish-reasons">
          <p>
            <strong>
              Fix {problems.errors.length} {problems.errors.length === 1 ? 'problem' : 'problems'}{' '}
              to publish:
            </strong>
          </p>
          <ul>
            {problems.errors.map((problem, index) => (
              <li key={index}>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => focusPath(problem.path)}
                >
                  {problem.message}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="muted">
          {tool.publishedVersion
            ? 'Edits are saved as a draft. Conversations already running finish on the version they started on; publish to make the draft live.'
            : 'Ready to publish. Publishing makes version 1 live: the keyword starts answering and the tool URL starts working.'}
          {problems.warnings.length
            ? ` ${problems.warnings.length} warning(s) to look at, but they do not block publishing.`
            : ''}
        </p>
      )}
      {publishError ? (
        <Alert tone="danger" title="Not published">
          {publishError}
          {serverProblems?.length ? (
            <ul>
              {serverProblems.map((message, index) => (
                <li key={index}>{message}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      {tool.publishedVersion ? (
        <div className="stack">
          <div className="row row--tight">
            <Badge tone={tool.enabled ? 'success' : 'warning'}>
              {tool.enabled ? 'Running' : 'Paused: keyword and URL do nothing'}
            </Badge>
            <Button
              size="small"
              busy={setEnabled.isPending}
              onClick={() => setEnabled.mutate(!tool.enabled)}
            >
              {tool.enabled ? 'Pause tool' : 'Resume tool'}
            </Button>
          </div>
          <CopyField
            label="Tool URL (paste it into the campaign’s “Send HTTP Post”)"
            value={tool.toolUrl}
          />
          <details className="instructions">
            <summary>How to start this sequence from a Keap campaign</summary>
            <ol>
              {tool.httpPostInstructions.map((line, index) => (
                <li key={index}>{line}</li>
              ))}
            </ol>
          </details>
          <div className="row row--tight">
            {confirmRotate ? (
              <>
                <span className="warn-text">
                  The old URL stops working at once; update every campaign that uses it.
                </span>
                <Button
                  variant="danger"
                  size="small"
                  busy={rotate.isPending}
                  onClick={() =>
                    rotate.mutate(undefined, { onSuccess: () => setConfirmRotate(false) })
                  }
                >
                  Make a new URL
                </Button>
                <Button size="small" onClick={() => setConfirmRotate(false)}>
                  Cancel
                </Button>
              </>
            ) : (
              <Button size="small" variant="ghost" onClick={() => setConfirmRotate(true)}>
                Make a new tool URL…
              </Button>
            )}
          </div>
          {rotate.isError ? <Alert tone="danger">{errorMessage(rotate.error)}</Alert> : null}
          {setEnabled.isError ? (
            <Alert tone="danger">{errorMessage(setEnabled.error)}</Alert>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
