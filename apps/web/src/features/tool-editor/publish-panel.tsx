import { useState } from 'react';
import { Alert, Badge, Button, Card, CopyField, Field } from '@sms-seq/ui';
import { ApiError, errorMessage } from '../../api/api-client';
import type { ToolDetail } from '../../api/api.types';
import { usePublishTool, useRotateSecret, useSetToolEnabled } from '../../api/use-tools';
import type { SaveResult } from './leave-guard';
import type { ProblemIndex } from './problem-index';
import { focusPath } from './problem-index';
import type { StepOption } from './pickers';
import { toolUrlStartingAt } from './tool-url';
import type { SaveState } from './use-autosave';
import { VersionsPanel } from './versions-panel';

export interface PublishPanelProps {
  tool: ToolDetail;
  problems: ProblemIndex;
  /** The draft's steps, for "Start at step". */
  steps: StepOption[];
  /** Saves the draft before publishing it; publishing waits for it and stops if it fails. */
  saveFirst: () => Promise<SaveResult>;
  /** The autosave's state: "nothing changed" only once it has settled. */
  saveState: SaveState;
}

/** Publish (disabled with the reasons while errors remain), then the tool URL and the campaign instructions. */
export function PublishPanel({ tool, problems, steps, saveFirst, saveState }: PublishPanelProps) {
  const blocked = problems.errors.length > 0;
  // The server compares the saved draft with the live version (canonical JSON); with nothing
  // pending in the autosave, that is the draft on the screen.
  const unchanged =
    tool.publishedVersion !== null && !tool.hasUnpublishedChanges && saveState.kind === 'saved';
  const publish = usePublishTool(tool.id);
  // What the API refused the draft for, each problem in its words.
  const [serverProblems, setServerProblems] = useState<string[] | null>(null);
  const onPublish = async () => {
    setServerProblems(null);
    if (!(await saveFirst()).ok) return;
    publish.mutate(undefined, {
      onError: (error) => {
        if (error instanceof ApiError && Array.isArray(error.details)) {
          setServerProblems(
            (error.details as { message: string }[]).map((problem) => problem.message),
          );
        }
      },
    });
  };
  const publishError = publish.isError ? errorMessage(publish.error) : null;
  // What Twilio would not do for the sender of the version just published.
  const publishWarnings = publish.data?.warnings ?? [];
  const rotate = useRotateSecret(tool.id);
  const setEnabled = useSetToolEnabled(tool.id);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [startStepId, setStartStepId] = useState('');
  // A step removed from the draft falls back to the first step.
  const startStep = steps.find((step) => step.id === startStepId) ?? null;
  const reasonsId = `publish-reasons-${tool.id}`;
  const unchangedId = `publish-unchanged-${tool.id}`;
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
          disabled={blocked || unchanged}
          busy={publish.isPending}
          onClick={() => void onPublish()}
          aria-describedby={blocked ? reasonsId : unchanged ? unchangedId : undefined}
        >
          {unchanged ? 'Nothing changed' : tool.publishedVersion ? 'Publish changes' : 'Publish'}
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
      ) : unchanged && tool.publishedVersion ? (
        <p className="muted" id={unchangedId}>
          Nothing changed since version {tool.publishedVersion.version} went live. Edit the draft to
          publish a new version.
        </p>
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
      {publishWarnings.length ? (
        <Alert
          tone="warning"
          title="Published, but texts may not work as expected until you fix this in Twilio"
          actions={
            <a
              className="ui-button ui-button--secondary"
              href="https://console.twilio.com/"
              target="_blank"
              rel="noreferrer"
            >
              Open Twilio’s console
            </a>
          }
        >
          <ul className="publish-warnings">
            {publishWarnings.map((warning, index) => (
              <li key={index}>{warning.message}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <VersionsPanel tool={tool} saveState={saveState} saveFirst={saveFirst} />
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
          <div className="tool-url">
            <Field
              label="Start at step"
              hint={
                tool.hasUnpublishedChanges
                  ? 'The URL starts the published version: a step added since the last publish works once you publish.'
                  : 'Campaigns can start the sequence at any step; the URL below names it.'
              }
            >
              {(props) => (
                <select
                  {...props}
                  className="ui-input"
                  value={startStep?.id ?? ''}
                  onChange={(e) => setStartStepId(e.target.value)}
                >
                  <option value="">The first step</option>
                  {steps.map((step) => (
                    <option key={step.id} value={step.id}>
                      {step.label} (step id {step.id})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <CopyField
              label={
                startStep
                  ? `Tool URL starting at ${startStep.label} (paste it into the campaign’s “Send HTTP Post”)`
                  : 'Tool URL (paste it into the campaign’s “Send HTTP Post”)'
              }
              value={toolUrlStartingAt(tool.toolUrl, startStep?.id ?? null)}
            />
          </div>
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
