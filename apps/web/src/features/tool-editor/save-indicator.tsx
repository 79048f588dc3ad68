import { Alert, Badge, Button } from '@sms-seq/ui';
import { heldReason } from './leave-guard';
import type { SaveState } from './use-autosave';

/** Beside the tool's status: whether the last changes are saved, and Retry when a save failed. */
export function SaveIndicator({ state, onRetry }: { state: SaveState; onRetry: () => void }) {
  if (state.kind === 'saved') return <span className="save-state">All changes saved</span>;
  if (state.kind === 'saving') return <span className="save-state">Saving…</span>;
  if (state.kind === 'dirty') return <span className="save-state">Unsaved changes</span>;
  if (state.kind === 'conflict') return <Badge tone="danger">Not saved: changed elsewhere</Badge>;
  if (state.kind === 'held')
    return (
      <span className="save-state save-state--failed" role="status">
        {heldReason(state.problems)}
      </span>
    );
  return (
    <span className="save-state save-state--failed" role="alert">
      Not saved: {state.message}{' '}
      <Button size="small" onClick={onRetry}>
        Retry
      </Button>
    </span>
  );
}

/** The tool changed elsewhere: nothing more is saved here until the marketer reloads. */
export function ConflictAlert({ onReload }: { onReload: () => void }) {
  return (
    <Alert
      tone="danger"
      title="This tool was changed somewhere else"
      actions={<Button onClick={onReload}>Reload</Button>}
    >
      Reload to see the latest version; your last changes here were not saved.
    </Alert>
  );
}
