import { lazy, Suspense, useState } from 'react';
import type { Step, ToolDefinition } from '@sms-seq/engine';
import { Alert, Badge, Button, Dialog, Loading } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import type { ToolDetail, VersionHistoryEntry } from '../../api/api.types';
import { useToolVersions } from '../../api/use-tools';
import {
  useCurrentDraftRevision,
  useDiscardDraft,
  useDraftReplacedNote,
  useRestoreVersion,
  useToolVersion,
} from '../../api/use-versions';
import type { SaveResult } from './leave-guard';
import { indexProblems } from './problem-index';
import type { SaveState } from './use-autosave';

// The map library is its own chunk (as beside the editor): loaded when a version is opened.
const SequenceMap = lazy(() =>
  import('../sequence-map/sequence-map').then((module) => ({ default: module.SequenceMap })),
);
const NO_PROBLEMS = indexProblems([]);

export interface VersionsPanelProps {
  tool: ToolDetail;
  saveState: SaveState;
  /** Settles the autosave: nothing typed before a restore or discard is saved after it. */
  saveFirst: () => Promise<SaveResult>;
}

/**
 * The published versions: the history (when, by whom, what changed), one opened read-only,
 * "Restore as draft", and "Discard draft" back to the live version. Both replace the draft, so
 * the autosave is settled first and the editor then starts again from the new draft.
 */
export function VersionsPanel({ tool, saveState, saveFirst }: VersionsPanelProps) {
  const [open, setOpen] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const discard = useDiscardDraft(tool.id);
  const currentRevision = useCurrentDraftRevision(tool.id);
  const [replacedNote, dismissNote] = useDraftReplacedNote(tool);
  const live = tool.publishedVersion;
  if (!live) return null;
  const draftChanged = tool.hasUnpublishedChanges || saveState.kind !== 'saved';

  const onDiscard = async () => {
    await saveFirst();
    const draftRevision = currentRevision();
    if (draftRevision === undefined) return;
    discard.mutate({ draftRevision });
  };

  return (
    <div className="stack versions-panel">
      {replacedNote ? (
        <Alert
          tone="success"
          actions={
            <Button size="small" variant="ghost" onClick={dismissNote}>
              OK
            </Button>
          }
        >
          {replacedNote}
        </Alert>
      ) : null}
      <div className="row row--tight">
        <Button size="small" onClick={() => setOpen(true)}>
          Version history
        </Button>
        {draftChanged && !confirmDiscard ? (
          <Button size="small" variant="ghost" onClick={() => setConfirmDiscard(true)}>
            Discard draft…
          </Button>
        ) : null}
      </div>
      {confirmDiscard ? (
        <div className="row row--tight" role="group" aria-label="Discard the draft">
          <span className="warn-text">
            Your changes since version {live.version} went live are thrown away: the draft goes back
            to version {live.version}.
          </span>
          <Button
            variant="danger"
            size="small"
            busy={discard.isPending}
            onClick={() => void onDiscard()}
          >
            Discard changes
          </Button>
          <Button size="small" data-autofocus onClick={() => setConfirmDiscard(false)}>
            Keep them
          </Button>
        </div>
      ) : null}
      {discard.isError ? (
        <Alert tone="danger" title="The draft was not discarded">
          {errorMessage(discard.error)}
        </Alert>
      ) : null}
      <Dialog open={open} title="Version history" onClose={() => setOpen(false)}>
        <VersionHistory
          tool={tool}
          draftChanged={draftChanged}
          saveFirst={saveFirst}
          currentRevision={currentRevision}
        />
      </Dialog>
    </div>
  );
}

interface VersionHistoryProps {
  tool: ToolDetail;
  draftChanged: boolean;
  saveFirst: () => Promise<SaveResult>;
  currentRevision: () => number | undefined;
}

function VersionHistory({ tool, draftChanged, saveFirst, currentRevision }: VersionHistoryProps) {
  const versions = useToolVersions(tool.id);
  const [openedId, setOpenedId] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<VersionHistoryEntry | null>(null);
  const restore = useRestoreVersion(tool.id);

  const onRestore = async (entry: VersionHistoryEntry) => {
    // A draft with unpublished changes is not replaced without asking.
    if (draftChanged && confirming?.id !== entry.id) {
      setConfirming(entry);
      return;
    }
    await saveFirst();
    const draftRevision = currentRevision();
    if (draftRevision === undefined) return;
    restore.mutate({ versionId: entry.id, version: entry.version, draftRevision });
  };

  if (versions.isPending) return <Loading label="Loading the versions…" />;
  if (versions.isError)
    return (
      <Alert
        tone="danger"
        title="The versions could not be loaded"
        actions={<Button onClick={() => void versions.refetch()}>Try again</Button>}
      >
        {errorMessage(versions.error)}
      </Alert>
    );
  const opened = versions.data.find((entry) => entry.id === openedId) ?? null;
  const restoreButton = (entry: VersionHistoryEntry) => (
    <Button
      size="small"
      busy={restore.isPending && restore.variables?.versionId === entry.id}
      onClick={() => void onRestore(entry)}
    >
      Restore as draft
    </Button>
  );
  const confirmation =
    confirming && !restore.isPending ? (
      <div className="versions-confirm" role="group" aria-label="Replace the draft">
        <p className="warn-text">
          Your draft has changes that are not published. Restoring version {confirming.version}{' '}
          replaces them; the live version stays live until you publish.
        </p>
        <div className="row row--tight">
          <Button variant="danger" size="small" onClick={() => void onRestore(confirming)}>
            Replace my draft with version {confirming.version}
          </Button>
          <Button size="small" data-autofocus onClick={() => setConfirming(null)}>
            Cancel
          </Button>
        </div>
      </div>
    ) : null;
  const restoreError = restore.isError ? (
    <Alert tone="danger" title="The version was not restored">
      {errorMessage(restore.error)}
    </Alert>
  ) : null;

  if (opened)
    return (
      <div className="stack">
        <VersionView toolId={tool.id} entry={opened} />
        {confirmation}
        {restoreError}
        <div className="row row--tight">
          <Button size="small" variant="ghost" onClick={() => setOpenedId(null)}>
            ← All versions
          </Button>
          {restoreButton(opened)}
        </div>
      </div>
    );

  return (
    <div className="stack">
      {confirmation}
      {restoreError}
      <ol className="version-list">
        {versions.data.map((entry) => (
          <li key={entry.id} className="version-entry" data-testid={`version-${entry.version}`}>
            <div className="row row--tight">
              <strong>Version {entry.version}</strong>
              {entry.live ? <Badge tone="success">Live</Badge> : null}
              <span className="muted">{publishedWords(entry)}</span>
            </div>
            <ChangeList entry={entry} />
            <div className="row row--tight">
              <Button size="small" variant="ghost" onClick={() => setOpenedId(entry.id)}>
                Open version {entry.version}
              </Button>
              {restoreButton(entry)}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}

function ChangeList({ entry }: { entry: VersionHistoryEntry }) {
  if (entry.changes.length === 0)
    return <p className="muted">{entry.version === 1 ? 'The first version.' : 'No changes.'}</p>;
  return (
    <ul className="version-changes">
      {entry.changes.map((line, index) => (
        <li key={index}>{sentence(line)}</li>
      ))}
    </ul>
  );
}

/** A version as it went live, read-only: its map and each step's text. */
function VersionView({ toolId, entry }: { toolId: string; entry: VersionHistoryEntry }) {
  const version = useToolVersion(toolId, entry.id);
  return (
    <section
      className="stack version-view"
      aria-label={`Version ${entry.version} (read-only)`}
      data-testid="version-view"
    >
      <div className="row row--tight">
        <h3>Version {entry.version} (read-only)</h3>
        {entry.live ? <Badge tone="success">Live</Badge> : null}
      </div>
      <p className="muted">{publishedWords(entry)}</p>
      {version.isPending ? <Loading label="Loading the version…" /> : null}
      {version.isError ? <Alert tone="danger">{errorMessage(version.error)}</Alert> : null}
      {version.data ? (
        <>
          <p>{startWords(version.data.definition)}</p>
          <Suspense fallback={<Loading label="Drawing the map…" />}>
            <SequenceMap tool={version.data.definition} problems={NO_PROBLEMS} />
          </Suspense>
          <ol className="version-steps">
            {version.data.definition.steps.map((step, index) => (
              <li key={step.id}>
                <strong>{step.name || `Step ${index + 1}`}:</strong> {step.message}
                <span className="muted"> {nextWords(step, version.data.definition)}</span>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}

function publishedWords(entry: VersionHistoryEntry): string {
  const when = new Date(entry.publishedAt).toLocaleString();
  return entry.publishedBy ? `Published ${when} by ${entry.publishedBy}` : `Published ${when}`;
}

function startWords(tool: ToolDefinition): string {
  return tool.startMode === 'http_only'
    ? `"${tool.name}": started by a Keap campaign (HTTP Post).`
    : `"${tool.name}": started by texting ${tool.keyword ?? 'its keyword'}, or by a Keap campaign.`;
}

function nextWords(step: Step, tool: ToolDefinition): string {
  const name = (id: string | null) => {
    if (id === null) return 'finish';
    const index = tool.steps.findIndex((s) => s.id === id);
    return index < 0 ? 'a missing step' : tool.steps[index]!.name || `step ${index + 1}`;
  };
  if (step.next.kind === 'finish') return '(then finish)';
  if (step.next.kind === 'next') return '(then the next step)';
  const ways = step.next.conditions.length;
  return `(${ways} ${ways === 1 ? 'condition' : 'conditions'}; no match: ${name(step.next.fallbackStepId)})`;
}

/** The API's change lines start in lower case ("step Ask colour: …"): shown as sentences. */
function sentence(line: string): string {
  return line.charAt(0).toUpperCase() + line.slice(1);
}
