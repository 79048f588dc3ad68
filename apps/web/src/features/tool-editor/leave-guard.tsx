import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useBlocker } from 'react-router-dom';
import type { Problem } from '@sms-seq/engine';
import { Button, Dialog } from '@sms-seq/ui';

/** How a save ended: saved in full, or why (some of) the changes are not saved. */
export type SaveResult = { ok: true } | { ok: false; reason: string; failed?: string };

/**
 * Why some changes are not saved: the fields the draft cannot hold as they are. Each schema
 * problem's sentence names its field in the editor's words (the engine's `describeToolPath`).
 */
export function heldReason(problems: readonly Problem[]): string {
  return `Not saved until fixed — ${[...new Set(problems.map((problem) => problem.message))].join(' ')}`;
}

export interface LeaveGuardOptions {
  /** Whether anything is not saved yet (pending, in flight, or held back). */
  unsaved: () => boolean;
  /** Saves what is pending now, after any save in flight. */
  saveNow: () => Promise<SaveResult>;
  /** On closing the tab: starts a save that outlives the page; false when the browser must ask. */
  canFinishWhileClosing: () => boolean;
}

/**
 * Leaving the editor never loses edits: another screen of the console waits for the pending
 * save (and goes on when it succeeds), or, when the changes cannot be saved, asks with the reason;
 * closing or reloading the tab saves with keepalive, or makes the browser ask when it cannot.
 */
export function useLeaveGuard(options: LeaveGuardOptions): {
  dialog: ReactNode;
  /** The next unload is the marketer's own choice (Reload after a conflict): no question. */
  onPurpose: () => void;
} {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const purposeful = useRef(false);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      currentLocation.pathname !== nextLocation.pathname && latest.current.unsaved(),
  );
  const [reason, setReason] = useState<string | null>(null);
  const blockerRef = useRef(blocker);
  useEffect(() => {
    blockerRef.current = blocker;
  });

  useEffect(() => {
    if (blocker.state !== 'blocked') return undefined;
    let current = true;
    void latest.current.saveNow().then((result) => {
      if (!current) return;
      if (result.ok) blockerRef.current.proceed?.();
      else setReason(result.reason);
    });
    return () => {
      current = false;
    };
  }, [blocker.state]);

  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (purposeful.current || !latest.current.unsaved()) return;
      if (latest.current.canFinishWhileClosing()) return;
      event.preventDefault();
      // Older browsers ask only when returnValue is set; none shows the page's own words.
      event.returnValue = '';
    };
    // A phone's browser may discard a hidden tab without unload: save when the tab is hidden.
    const onHidden = () => {
      if (document.visibilityState === 'hidden' && latest.current.unsaved())
        void latest.current.saveNow();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('visibilitychange', onHidden);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('visibilitychange', onHidden);
    };
  }, []);

  const stay = () => {
    setReason(null);
    if (blocker.state === 'blocked') blocker.reset();
  };
  const dialog = (
    <Dialog open={reason !== null} title="Your changes are not saved" onClose={stay}>
      <p role="alert">{reason}</p>
      <div className="row row--end">
        <Button
          onClick={() => {
            setReason(null);
            if (blocker.state === 'blocked') blocker.proceed();
          }}
        >
          Leave without saving
        </Button>
        <Button variant="primary" data-autofocus onClick={stay}>
          Stay and fix
        </Button>
      </div>
    </Dialog>
  );
  return {
    dialog,
    onPurpose: () => {
      purposeful.current = true;
    },
  };
}
