import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import { toolDefinitionSchema, type Problem, type ToolDefinition } from '@sms-seq/engine';
import { ApiError, errorMessage, fitsKeepalive } from '../../api/api-client';
import type { ToolDetail } from '../../api/api.types';
import { useSaveDraft } from '../../api/use-tools';
import { heldReason, useLeaveGuard, type SaveResult } from './leave-guard';
import { savableDraft } from './savable-draft';

const AUTOSAVE_DELAY_MS = 800;

export type SaveState =
  | { kind: 'saved' }
  | { kind: 'dirty' }
  | { kind: 'saving' }
  /** Saved, except the fields the schema refuses (kept at their saved value until fixed). */
  | { kind: 'held'; problems: Problem[] }
  | { kind: 'failed'; message: string }
  | { kind: 'conflict' };

const CONFLICT_REASON =
  'This tool was changed somewhere else (another tab or person), so your changes here cannot be saved. Reload to see the latest version.';

export interface AutosaveOptions {
  form: UseFormReturn<ToolDefinition>;
  /** The tool as loaded: the draft and revision the first save starts from. */
  tool: Pick<ToolDetail, 'id' | 'draft' | 'draftRevision'>;
  /** Changes whenever the form's content does (its snapshot): each change restarts the delay. */
  changes: string;
}

export interface Autosave {
  state: SaveState;
  /** Saves what is pending now, after any save in flight. */
  saveNow: () => Promise<SaveResult>;
  /** Asks before leaving with changes that cannot be saved. */
  leaveDialog: ReactNode;
  /** Reloads the page on the marketer's own choice (after a conflict): no question. */
  reload: () => void;
}

/**
 * Autosave: the draft is saved shortly after the last change, one request at a time; leaving
 * the editor (another screen, closing the tab) saves what is pending first (useLeaveGuard).
 */
export function useAutosave({ form, tool, changes }: AutosaveOptions): Autosave {
  const { mutateAsync: saveDraft } = useSaveDraft(tool.id);
  const revision = useRef(tool.draftRevision);
  // Compared in the schema's key order: the stored draft comes back from PostgreSQL (jsonb) with
  // its keys reordered, and comparing raw would autosave an unchanged draft on every open, which
  // made a second tab that merely opened the tool take the first one's revision (a false conflict).
  const savedDraft = useRef<ToolDefinition>(
    toolDefinitionSchema.safeParse(tool.draft).data ?? tool.draft,
  );
  const lastSaved = useRef(JSON.stringify(savedDraft.current));
  const inFlight = useRef<{ json: string; done: Promise<SaveResult> } | null>(null);
  const conflicted = useRef(false);
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'saved' });

  /** What the autosave would send now, and whether it differs from what the server has. */
  const pending = useCallback(() => {
    const savable = savableDraft(form.getValues(), savedDraft.current);
    const json = savable ? JSON.stringify(savable.draft) : null;
    return { savable, json, changed: json !== lastSaved.current };
  }, [form]);

  const settledState = useCallback((): SaveState => {
    const now = pending();
    if (!now.savable) return { kind: 'failed', message: 'this draft cannot be read' };
    if (now.changed) return { kind: 'dirty' };
    return now.savable.held.length
      ? { kind: 'held', problems: now.savable.held }
      : { kind: 'saved' };
  }, [pending]);

  const saveNow = useCallback(async (): Promise<SaveResult> => {
    // One request at a time: each carries the revision the one before it answered.
    while (inFlight.current) await inFlight.current.done;
    if (conflicted.current) return { ok: false, reason: CONFLICT_REASON };
    const { savable, json, changed } = pending();
    if (!savable || json === null)
      return { ok: false, reason: 'The draft cannot be read, so it cannot be saved.' };
    const result = (): SaveResult =>
      savable.held.length ? { ok: false, reason: heldReason(savable.held) } : { ok: true };
    if (!changed) {
      setSaveState(settledState());
      return result();
    }
    const done = (async (): Promise<SaveResult> => {
      setSaveState({ kind: 'saving' });
      try {
        const saved = await saveDraft({ draft: savable.draft, draftRevision: revision.current });
        revision.current = saved.draftRevision;
        lastSaved.current = json;
        savedDraft.current = savable.draft;
        return result();
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) {
          conflicted.current = true;
          return { ok: false, reason: CONFLICT_REASON };
        }
        return {
          ok: false,
          reason: `The draft could not be saved: ${errorMessage(error)}`,
          failed: errorMessage(error),
        };
      }
    })();
    inFlight.current = { json, done };
    const outcome = await done;
    if (inFlight.current?.done === done) inFlight.current = null;
    setSaveState(
      conflicted.current
        ? { kind: 'conflict' }
        : !outcome.ok && outcome.failed
          ? { kind: 'failed', message: outcome.failed }
          : settledState(),
    );
    return outcome;
  }, [pending, saveDraft, settledState]);

  // The timer below must survive re-renders; it calls whatever saveNow is current when it fires.
  const saveNowRef = useRef(saveNow);
  useEffect(() => {
    saveNowRef.current = saveNow;
  }, [saveNow]);

  useEffect(() => {
    if (conflicted.current) return undefined;
    const now = pending();
    if (!now.changed) {
      // Changed and changed back (a step added and removed before the autosave fired): nothing to save.
      if (!inFlight.current) setSaveState(settledState());
      return undefined;
    }
    setSaveState((state) => (state.kind === 'saving' ? state : { kind: 'dirty' }));
    const timer = setTimeout(() => void saveNowRef.current(), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [changes, pending, settledState]);

  const leaving = useLeaveGuard({
    unsaved: () => {
      const now = pending();
      return inFlight.current !== null || now.changed || (now.savable?.held.length ?? 1) > 0;
    },
    saveNow: () => saveNowRef.current(),
    // Closing the tab: a save that can go now goes with keepalive (it outlives the page); one
    // that cannot (held fields, a failed or conflicting save, one already in flight with more
    // changes after it) makes the browser ask first.
    canFinishWhileClosing: () => {
      if (conflicted.current) return false;
      const now = pending();
      if (!now.savable || now.savable.held.length || now.json === null) return false;
      if (!now.changed) return true;
      if (inFlight.current) return inFlight.current.json === now.json;
      if (!fitsKeepalive(now.json)) return false;
      void saveNowRef.current();
      return true;
    },
  });

  return {
    state: saveState,
    saveNow,
    leaveDialog: leaving.dialog,
    reload: () => {
      leaving.onPurpose();
      window.location.reload();
    },
  };
}
