import {
  GROUP_PAUSE_MS,
  HISTORY_LIMIT,
  recordEdit,
  redoEdit,
  settlePresent,
  startHistory,
  undoEdit,
  type UndoHistory,
} from './undo-history';

/** Types `text` into `field` one character at a time, `gap` ms apart, from `at`. */
function typeInto(history: UndoHistory, field: string, text: string, at: number, gap = 100) {
  let typed = history;
  for (let i = 1; i <= text.length; i++)
    typed = recordEdit(typed, text.slice(0, i), field, at + i * gap);
  return typed;
}

describe('the draft’s undo history', () => {
  it('undoes a burst of typing in one field as one edit', () => {
    const typed = typeInto(startHistory(''), 'steps.0.message', 'Hello', 0);
    expect(typed.present).toBe('Hello');
    const undone = undoEdit(typed);
    expect(undone.present).toBe('');
    expect(undone.past).toEqual([]);
    expect(redoEdit(undone).present).toBe('Hello');
  });

  it('starts a new edit after a pause, in another field, or for an edit that stands alone', () => {
    let history = typeInto(startHistory('a'), 'name', 'ab', 0);
    // A pause longer than the grouping window: the next keystrokes are an edit of their own.
    history = recordEdit(history, 'abc', 'name', 200 + GROUP_PAUSE_MS + 1);
    expect(undoEdit(history).present).toBe('ab');

    history = recordEdit(history, 'abcd', 'message', 200 + GROUP_PAUSE_MS + 2);
    expect(undoEdit(history).present).toBe('abc');

    // Two steps added one after the other are two edits, however quickly.
    history = recordEdit(history, 'step added', null, 200 + GROUP_PAUSE_MS + 3);
    history = recordEdit(history, 'another step added', null, 200 + GROUP_PAUSE_MS + 4);
    expect(undoEdit(history).present).toBe('step added');
  });

  it('never records the content it already holds', () => {
    const history = recordEdit(startHistory('same'), 'same', null, 0);
    expect(history.past).toEqual([]);
    expect(undoEdit(history)).toBe(history);
  });

  it('redoes in order, and a new edit after an undo drops what was undone', () => {
    let history = startHistory('0');
    history = recordEdit(history, '1', null, 1);
    history = recordEdit(history, '2', null, 2);
    history = undoEdit(undoEdit(history));
    expect(history.present).toBe('0');
    expect(redoEdit(history).present).toBe('1');
    expect(redoEdit(redoEdit(history)).present).toBe('2');
    expect(redoEdit(redoEdit(redoEdit(history))).present).toBe('2');

    const branched = recordEdit(redoEdit(history), 'other', null, 3);
    expect(branched.future).toEqual([]);
    expect(undoEdit(branched).present).toBe('1');
  });

  it('does not join typing after an undo to the entry before it', () => {
    let history = typeInto(startHistory(''), 'name', 'ab', 0);
    history = undoEdit(history);
    history = recordEdit(history, 'x', 'name', 250);
    expect(undoEdit(history).present).toBe('');
    expect(undoEdit(history).future).toEqual(['x']);
  });

  it('takes in the form settling after an undo without losing the redo', () => {
    let history = recordEdit(startHistory('a'), 'b', null, 1);
    history = undoEdit(history);
    history = settlePresent(history, 'a, as the form re-reads it');
    expect(history.present).toBe('a, as the form re-reads it');
    expect(redoEdit(history).present).toBe('b');
  });

  it('keeps the last edits only', () => {
    let history = startHistory('start');
    for (let i = 0; i < HISTORY_LIMIT + 20; i++)
      history = recordEdit(history, `edit ${i}`, null, i);
    expect(history.past).toHaveLength(HISTORY_LIMIT);
    expect(history.past[0]).toBe(`edit ${19}`);
  });
});
