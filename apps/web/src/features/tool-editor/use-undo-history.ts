import { useCallback, useEffect, useRef, useState } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import type { ToolDefinition } from '@sms-seq/engine';
import {
  recordEdit,
  redoEdit,
  settlePresent,
  startHistory,
  undoEdit,
  type UndoHistory,
} from './undo-history';

export interface UndoControls {
  canUndo: boolean;
  canRedo: boolean;
  undo: () => void;
  redo: () => void;
}

/**
 * Undo and redo for every edit of the draft, in the form and on the canvas alike: each change of
 * the form's values is a snapshot (keystrokes in one field grouped), and undoing resets the form
 * to the snapshot before. The autosave sees an undo as one more change and saves it, so the two
 * never disagree about what the draft is.
 */
export function useUndoHistory(form: UseFormReturn<ToolDefinition>): UndoControls {
  // Started once, from the draft as loaded (not re-serialised on every render).
  const [initial] = useState(() => startHistory(JSON.stringify(form.getValues())));
  const history = useRef<UndoHistory>(initial);
  // While the form re-reads an undone snapshot (field arrays, controllers), its changes are the
  // snapshot settling, not edits: they must not clear what can be redone.
  const applying = useRef(false);
  const [, setVersion] = useState(0);

  const update = useCallback((next: UndoHistory) => {
    if (next === history.current) return;
    history.current = next;
    setVersion((version) => version + 1);
  }, []);

  useEffect(() => {
    const subscription = form.watch((values, { name, type }) => {
      const snapshot = JSON.stringify(values);
      update(
        applying.current
          ? settlePresent(history.current, snapshot)
          : // Typing (an input's change event) joins the field's entry; anything else stands alone.
            recordEdit(
              history.current,
              snapshot,
              type === 'change' && name ? name : null,
              Date.now(),
            ),
      );
    });
    return () => subscription.unsubscribe();
  }, [form, update]);

  const apply = useCallback(
    (next: UndoHistory) => {
      if (next === history.current) return;
      update(next);
      applying.current = true;
      form.reset(JSON.parse(next.present) as ToolDefinition, { keepDefaultValues: true });
      // After React has rendered the restored draft and its effects have run.
      requestAnimationFrame(() =>
        setTimeout(() => {
          applying.current = false;
        }, 0),
      );
    },
    [form, update],
  );

  const undo = useCallback(() => apply(undoEdit(history.current)), [apply]);
  const redo = useCallback(() => apply(redoEdit(history.current)), [apply]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key !== 'z' && key !== 'y') return;
      // What is not the draft keeps the browser's own undo: dialogs (the delete confirmation,
      // buying a number), the simulator, and the text boxes outside the draft's fields (a new
      // tag's name, a merge field's fallback); every draft field carries its data-path.
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest('dialog, .simulator')) return;
      const typing = target?.matches('textarea, input:not([type=checkbox]):not([type=radio])');
      if (typing && !target?.hasAttribute('data-path')) return;
      event.preventDefault();
      if (key === 'y' || event.shiftKey) redo();
      else undo();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo]);

  return {
    canUndo: history.current.past.length > 0,
    canRedo: history.current.future.length > 0,
    undo,
    redo,
  };
}
