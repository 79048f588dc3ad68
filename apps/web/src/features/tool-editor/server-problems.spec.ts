import type { Problem } from '@sms-seq/engine';
import { aTool } from '@sms-seq/engine/testing';
import { withServerProblems } from './server-problems';

const taken: Problem = {
  path: ['keyword'],
  severity: 'error',
  code: 'keyword_taken',
  message: 'Another sequence on this number already starts with "BLUE".',
};
const liveMissing: Problem = {
  path: ['steps', 0, 'message'],
  severity: 'error',
  code: 'empty_message',
  message: 'Write the message this step sends.',
};
// The server's draft judgement also lists what the browser already judges live.
const serverMissing: Problem = { ...liveMissing, severity: 'warning' };

describe("the editor's problems: the browser's live judgement plus what only the server sees", () => {
  const saved = aTool()
    .with({ keyword: 'BLUE', sender: { kind: 'phone_number', phoneNumber: '+14155550100' } })
    .build();

  it('adds a keyword the server found live on another tool while the form still has that start', () => {
    expect(withServerProblems([liveMissing], [taken, serverMissing], saved, saved)).toEqual([
      liveMissing,
      taken,
    ]);
    // Case and spaces do not make another keyword.
    expect(withServerProblems([], [taken], saved, { ...saved, keyword: ' blue ' })).toEqual([
      taken,
    ]);
  });

  it('drops the verdict once the keyword, the sender or the start mode changed (the next save judges again)', () => {
    expect(withServerProblems([], [taken], saved, { ...saved, keyword: 'RED' })).toEqual([]);
    expect(
      withServerProblems([], [taken], saved, {
        ...saved,
        sender: { kind: 'phone_number', phoneNumber: '+12125550142' },
      }),
    ).toEqual([]);
    expect(withServerProblems([], [taken], saved, { ...saved, startMode: 'http_only' })).toEqual(
      [],
    );
  });

  it('never takes the server’s copy of what the browser judges itself', () => {
    expect(withServerProblems([], [serverMissing], saved, saved)).toEqual([]);
  });
});
