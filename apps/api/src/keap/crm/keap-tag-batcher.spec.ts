import type { ApplyTagOutcome } from '@sms-seq/crm-keap';
import type { TagId } from '@sms-seq/engine';
import type { CrmCallOptions, CrmPriority } from '../../ports/crm.port';
import {
  KeapTagBatcher,
  TagRefusedForContactError,
  type TagAppliesFromKeap,
} from './keap-tag-batcher';

const WINDOW_MS = 200;
const TAG = 7 as TagId;
const OTHER_TAG = 8 as TagId;

/**
 * Keap's side of the batcher, recorded: each call's account, tag, contacts and priority, and each
 * ask for the budget's grant. Answers SUCCESS, or DUPLICATE for contacts `tagged` already, or a
 * failure for the `refused`; `failWith` fails calls. With `holdGrants`, grants wait for
 * `grantAll()`.
 */
function aKeap(options: { tagged?: number[]; refused?: number[] } = {}) {
  const calls: { accountId: string; tagId: TagId; ids: number[]; priority: CrmPriority }[] = [];
  const asks: { accountId: string; priority: CrmPriority }[] = [];
  const held: (() => void)[] = [];
  const keap = {
    calls,
    asks,
    failWith: null as Error | null,
    holdGrants: false,
    grantAll: () => held.splice(0).forEach((give) => give()),
    side: {
      grant: (accountId, priority) => {
        asks.push({ accountId, priority });
        if (!keap.holdGrants) return Promise.resolve(asks.length);
        return new Promise<number>((resolve) => held.push(() => resolve(asks.length)));
      },
      apply: async (accountId, tagId, ids, call) => {
        calls.push({ accountId, tagId, ids: [...ids], priority: call.priority });
        call.onCall('tags.apply');
        if (keap.failWith) throw keap.failWith;
        return new Map(
          ids.map((id): [number, ApplyTagOutcome] => [
            id,
            options.refused?.includes(id)
              ? { failed: 'Keap answered FAILURE' }
              : options.tagged?.includes(id)
                ? 'already_applied'
                : 'applied',
          ]),
        );
      },
    } satisfies TagAppliesFromKeap<number>,
  };
  return keap;
}

/** Lets the promises in flight settle (the grant, then the call). */
const settled = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => process.nextTick(resolve));
};

/** A tag job's options, with its own tally of the Keap calls counted on it. */
function aJob(priority: CrmPriority = 'interactive') {
  const counted: Record<string, number> = {};
  const options: CrmCallOptions = {
    priority,
    onCall: (kind) => (counted[kind] = (counted[kind] ?? 0) + 1),
  };
  return { options, counted };
}

describe('KeapTagBatcher', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  const batcherOver = (keap: ReturnType<typeof aKeap>, maxContacts = 1000) =>
    new KeapTagBatcher(keap.side, { windowMs: WINDOW_MS, maxContacts });
  const windowEnds = async () => {
    jest.advanceTimersByTime(WINDOW_MS);
    await settled();
  };

  it('applies a tag to the contacts asked within the window with one call, each settling with its own outcome', async () => {
    const keap = aKeap({ tagged: [12], refused: [13] });
    const batcher = batcherOver(keap);
    const jobs = [aJob(), aJob(), aJob()];
    const applies = [11, 12, 13].map((id, i) =>
      batcher.apply('acme', TAG, id, jobs[i]!.options).then(
        (outcome) => outcome,
        (err: unknown) => err,
      ),
    );
    await settled();
    expect(keap.calls).toEqual([]); // waiting for company
    await windowEnds();
    const [first, second, third] = await Promise.all(applies);
    expect(keap.calls).toEqual([
      { accountId: 'acme', tagId: TAG, ids: [11, 12, 13], priority: 'interactive' },
    ]);
    expect(first).toBe('applied');
    expect(second).toBe('already_applied');
    expect(third).toBeInstanceOf(TagRefusedForContactError);
    expect((third as Error).message).toBe(
      'Keap did not apply tag 7 to contact 13: Keap answered FAILURE',
    );
    // The one call is counted once, on the first apply Keap did.
    expect(jobs.map((j) => j.counted)).toEqual([{ 'tags.apply': 1 }, {}, {}]);
  });

  it('keeps taking applies while the budget holds the call back: a backlog makes fuller calls', async () => {
    const keap = aKeap();
    keap.holdGrants = true;
    const batcher = batcherOver(keap);
    const applies = [batcher.apply('acme', TAG, 21, aJob().options)];
    await windowEnds();
    expect(keap.asks).toHaveLength(1);
    applies.push(
      batcher.apply('acme', TAG, 22, aJob().options),
      batcher.apply('acme', TAG, 23, aJob().options),
    );
    await windowEnds();
    expect(keap.calls).toEqual([]);
    keap.grantAll();
    await settled();
    expect(await Promise.all(applies)).toEqual(['applied', 'applied', 'applied']);
    expect(keap.asks).toHaveLength(1);
    expect(keap.calls.map((c) => c.ids)).toEqual([[21, 22, 23]]);
  });

  it('keeps tags and accounts apart, and asks once for a contact applied twice', async () => {
    const keap = aKeap();
    const batcher = batcherOver(keap);
    const applies = [
      batcher.apply('acme', TAG, 31, aJob().options),
      batcher.apply('acme', OTHER_TAG, 31, aJob().options),
      batcher.apply('globex', TAG, 31, aJob().options),
      batcher.apply('acme', TAG, 31, aJob().options),
    ];
    await windowEnds();
    await Promise.all(applies);
    expect(keap.calls.map((c) => [c.accountId, c.tagId, c.ids])).toEqual([
      ['acme', TAG, [31]],
      ['acme', OTHER_TAG, [31]],
      ['globex', TAG, [31]],
    ]);
  });

  it('asks for a full batch at once, without waiting for the window', async () => {
    const keap = aKeap();
    const batcher = batcherOver(keap, 2);
    const applies = [41, 42, 43].map((id) => batcher.apply('acme', TAG, id, aJob().options));
    await settled();
    expect(keap.calls.map((c) => c.ids)).toEqual([[41, 42]]);
    await windowEnds();
    expect(keap.calls.map((c) => c.ids)).toEqual([[41, 42], [43]]);
    await Promise.all(applies);
  });

  it('fails every apply of a call that failed, counting the call once', async () => {
    const keap = aKeap();
    keap.failWith = new Error('Keap is down');
    const batcher = batcherOver(keap);
    const jobs = [aJob(), aJob()];
    const applies = [51, 52].map((id, i) =>
      batcher.apply('acme', TAG, id, jobs[i]!.options).catch((err: Error) => err.message),
    );
    await windowEnds();
    expect(await Promise.all(applies)).toEqual(['Keap is down', 'Keap is down']);
    expect(jobs.map((j) => j.counted)).toEqual([{ 'tags.apply': 1 }, {}]);
  });

  it('asks at the priority of the most urgent apply, and no urgent apply waits in a call asked at the back', async () => {
    const keap = aKeap();
    keap.holdGrants = true;
    const batcher = batcherOver(keap);
    const applies = [
      batcher.apply('acme', TAG, 61, aJob('background').options),
      batcher.apply('acme', TAG, 62, aJob('background').options),
    ];
    await windowEnds();
    applies.push(batcher.apply('acme', TAG, 63, aJob('interactive').options));
    await windowEnds();
    keap.grantAll();
    await settled();
    await Promise.all(applies);
    expect(keap.calls.map((c) => [c.ids, c.priority])).toEqual([
      [[61, 62], 'background'],
      [[63], 'interactive'],
    ]);
  });
});
