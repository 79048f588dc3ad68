import { useEffect, useId, useState } from 'react';

/** A read-only value with a Copy button (tool URLs, secrets the user pastes elsewhere). */
export function CopyField({ label, value }: { label: string; value: string }) {
  const id = useId();
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (copied === 'idle') return undefined;
    const timer = setTimeout(() => setCopied('idle'), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('copied');
    } catch {
      // Clipboard access can be refused (insecure origin); the text stays selectable.
      setCopied('failed');
    }
  };
  return (
    <div className="ui-copy">
      <label htmlFor={id} className="ui-field__label">
        {label}
      </label>
      <div className="ui-copy__row">
        <input
          id={id}
          className="ui-input ui-copy__input"
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button
          type="button"
          className="ui-button ui-button--secondary"
          onClick={() => void copy()}
        >
          {copied === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <span className="ui-visually-hidden" aria-live="polite">
        {copied === 'copied'
          ? 'Copied to the clipboard'
          : copied === 'failed'
            ? 'Could not copy; select the text and copy it'
            : ''}
      </span>
    </div>
  );
}
