import { useEffect, useRef, useState } from 'react';

const APP_NAME = 'SMS Sequences';

// The first screen of a page load keeps focus where the browser put it (the top of the page);
// every screen the marketer moves to afterwards moves focus to its heading.
let firstScreenShown = false;

/**
 * Names the screen in the browser tab (`<title> · SMS Sequences`) and, when the marketer arrives
 * from another screen, moves focus to the screen's main heading so a screen reader announces where
 * they are and the next Tab starts from the top of the new content. Returns the heading's ref
 * (the heading needs `tabIndex={-1}`).
 */
export function usePageHeading<T extends HTMLElement>(
  title: string | null,
  options: { focus?: 'after-navigation' | 'always' } = {},
) {
  const ref = useRef<T>(null);
  const [moveFocus] = useState(() => {
    const arrived = firstScreenShown;
    firstScreenShown = true;
    return arrived || options.focus === 'always';
  });
  useEffect(() => {
    document.title = title ? `${title} · ${APP_NAME}` : APP_NAME;
  }, [title]);
  useEffect(() => {
    if (moveFocus) ref.current?.focus({ preventScroll: false });
  }, [moveFocus]);
  return ref;
}
