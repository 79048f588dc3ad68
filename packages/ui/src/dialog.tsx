import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface DialogProps {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A modal on the native <dialog>: focus is trapped, Escape closes it, focus returns afterwards.
 * Focus starts on the element inside marked `data-autofocus` (e.g. the safe choice of a
 * confirmation), else on the first focusable one.
 */
export function Dialog({ open, title, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="ui-dialog" onClose={onClose} aria-labelledby={titleId}>
      <header className="ui-dialog__header">
        <h2 id={titleId}>{title}</h2>
        <button
          type="button"
          className="ui-button ui-button--ghost"
          aria-label="Close"
          onClick={onClose}
        >
          ×
        </button>
      </header>
      {open ? children : null}
    </dialog>
  );
}
