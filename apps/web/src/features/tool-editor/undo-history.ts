/**
 * The draft's undo history: whole-draft snapshots (JSON), so undoing restores exactly what the
 * form held. Pure, so the grouping rules are tested without a browser.
 */

export interface UndoHistory {
  /** Older snapshots, the most recent last. */
  past: readonly string[];
  present: string;
  /** Undone snapshots, the next to redo last. */
  future: readonly string[];
  /** The field the present snapshot is still collecting keystrokes for, and when it last did. */
  group: { key: string; at: number } | null;
}

/** Snapshots kept: a 20-step tool is about 20 KB of JSON, so this stays a few MB at most. */
export const HISTORY_LIMIT = 100;
/** Typing in one field with pauses shorter than this is one edit to undo, not one per character. */
export const GROUP_PAUSE_MS = 1500;

export function startHistory(present: string): UndoHistory {
  return { past: [], present, future: [], group: null };
}

/**
 * Records the draft after an edit. `group` names the field typed in (null for an edit that stands
 * alone: a step added, a condition moved); consecutive edits of one field within the pause join
 * the same entry. The same content again (a re-render, a reset to the present) records nothing.
 */
export function recordEdit(
  history: UndoHistory,
  snapshot: string,
  group: string | null,
  now: number,
): UndoHistory {
  if (snapshot === history.present) return history;
  const joins =
    group !== null &&
    history.group !== null &&
    history.group.key === group &&
    now - history.group.at <= GROUP_PAUSE_MS;
  return {
    past: joins ? history.past : [...history.past, history.present].slice(-HISTORY_LIMIT),
    present: snapshot,
    future: [],
    group: group === null ? null : { key: group, at: now },
  };
}

/**
 * Takes in a change that is not an edit of its own (the form settling after an undo): the present
 * becomes it, and what can be undone or redone stays as it was.
 */
export function settlePresent(history: UndoHistory, snapshot: string): UndoHistory {
  return snapshot === history.present ? history : { ...history, present: snapshot };
}

export function undoEdit(history: UndoHistory): UndoHistory {
  const previous = history.past.at(-1);
  if (previous === undefined) return history;
  return {
    past: history.past.slice(0, -1),
    present: previous,
    future: [...history.future, history.present],
    group: null,
  };
}

export function redoEdit(history: UndoHistory): UndoHistory {
  const next = history.future.at(-1);
  if (next === undefined) return history;
  return {
    past: [...history.past, history.present],
    present: next,
    future: history.future.slice(0, -1),
    group: null,
  };
}
