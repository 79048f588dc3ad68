import type { Problem } from '@sms-seq/engine';
import { fieldMessages, indexProblems, pathKey } from './problem-index';

const problem = (
  path: (string | number)[],
  severity: Problem['severity'],
  message: string,
): Problem => ({ path, severity, code: 'empty_message', message });

describe('the problem index: which field, step card and node each problem marks', () => {
  const missing = problem(['steps', 1, 'message'], 'error', 'Write the message this step sends.');
  const long = problem(['steps', 1, 'message'], 'warning', 'This message is 3 segments.');
  const tag = problem(['steps', 1, 'next', 'conditions', 0, 'tagId'], 'warning', 'Unknown tag.');
  const tenth = problem(['steps', 10, 'name'], 'error', 'Name the step.');
  const sender = problem(['sender'], 'error', 'Choose the Twilio phone number.');
  const index = indexProblems([missing, long, tag, tenth, sender]);

  it('keys a path by its parts joined with dots', () => {
    expect(pathKey(['steps', 1, 'next', 'conditions', 0])).toBe('steps.1.next.conditions.0');
    expect(pathKey([])).toBe('');
  });

  it('splits errors (which block publishing) from warnings', () => {
    expect(index.errors).toEqual([missing, tenth, sender]);
    expect(index.warnings).toEqual([long, tag]);
    expect(index.all).toHaveLength(5);
  });

  it('gives a field exactly its own problems', () => {
    expect(index.at('steps.1.message')).toEqual([missing, long]);
    expect(index.at('steps.1')).toEqual([]);
    expect(index.at('keyword')).toEqual([]);
  });

  it('gives a step card everything inside it, and not a step whose number starts the same', () => {
    expect(index.under('steps.1')).toEqual([missing, long, tag]);
    expect(index.under('steps.10')).toEqual([tenth]);
    expect(index.under('steps.1.next')).toEqual([tag]);
  });

  it('shows the errors of a field first and its warnings apart, or nothing', () => {
    expect(fieldMessages(index.at('steps.1.message'))).toEqual({
      error: 'Write the message this step sends.',
      warning: 'This message is 3 segments.',
    });
    expect(
      fieldMessages([
        problem(['name'], 'error', 'Name the tool.'),
        problem(['name'], 'error', 'Shorter, please.'),
      ]),
    ).toEqual({ error: 'Name the tool. Shorter, please.', warning: null });
    expect(fieldMessages([])).toEqual({ error: null, warning: null });
  });
});
