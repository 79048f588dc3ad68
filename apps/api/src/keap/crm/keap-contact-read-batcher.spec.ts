import type { ContactSnapshot } from '@sms-seq/engine';
import type { CrmCallOptions, CrmPriority } from '../../ports/crm.port';
import { type ContactReadsFromKeap, KeapContactReadBatcher } from './keap-contact-read-batcher';

const WINDOW_MS = 200;

/** A contact as Keap would answer it, named after its id. */
const aContact = (id: number): ContactSnapshot => ({ id, fields: { FirstName: `Contact ${id}` } });

/**
 * Keap's side of the batcher, recorded: each call's account, ids and priority, and each ask for
 * the budget's grant. Answers the contacts of `known` ids, reporting the attempts `kinds` to
 * `onCall`; `failWith` fails calls. With `holdGrants`, grants wait until `grantAll()`.
 */
interface FakeKeap {
  calls: { accountId: string; ids: number[]; priority: CrmPriority; grant: number }[];
  asks: { accountId: string; priority: CrmPriority }[];
  kinds: string[];
  failWith: Error | null;
  refuseGrants: Error | null;
  holdGrants: boolean;
  grantAll(): void;
  side: ContactReadsFromKeap<number>;
}

function aKeap(known: number[] = []): FakeKeap {
  const calls: FakeKeap['calls'] = [];
  const asks: FakeKeap['asks'] = [];
  const held: (() => void)[] = [];
  const keap: FakeKeap = {
    calls,
    asks,
    kinds: ['contacts.list'],
    failWith: null as Error | null,
    refuseGrants: null as Error | null,
    holdGrants: false,
    grantAll: () => held.splice(0).forEach((give) => give()),
    side: {
      grant: (accountId, priority) => {
        asks.push({ accountId, priority });
        const grant = asks.length;
        if (keap.refuseGrants) return Promise.reject(keap.refuseGrants);
        if (!keap.holdGrants) return Promise.resolve(grant);
        return new Promise<number>((resolve) => held.push(() => resolve(grant)));
      },
      read: async (accountId, ids, call) => {
        calls.push({ accountId, ids: [...ids], priority: call.priority, grant: call.grant });
        for (const kind of keap.kinds) call.onCall(kind);
        if (keap.failWith) throw keap.failWith;
        return new Map(ids.filter((id) => known.includes(id)).map((id) => [id, aContact(id)]));
      },
    },
  };
  return keap;
}

/** Lets the promises in flight settle (the grant, then the call). */
const settled = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => process.nextTick(resolve));
};

/** A start's read options, with its own tally of the Keap calls counted on it. */
function aStart(priority: CrmPriority = 'interactive') {
  const counted: Record<string, number> = {};
  const options: CrmCallOptions = {
    priority,
    onCall: (kind) => (counted[kind] = (counted[kind] ?? 0) + 1),
  };
  return { options, counted };
}

describe('KeapContactReadBatcher', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  const batcherOver = (keap: FakeKeap, limits: { maxIds?: number; maxIdChars?: number } = {}) =>
    new KeapContactReadBatcher(keap.side, {
      windowMs: WINDOW_MS,
      maxIds: limits.maxIds ?? 1000,
      maxIdChars: limits.maxIdChars ?? 6000,
    });
  /** The window ends and the budget (unless held) grants the call. */
  const windowEnds = async () => {
    jest.advanceTimersByTime(WINDOW_MS);
    await settled();
  };

  it('reads the contacts of one account asked within the window with one call', async () => {
    const keap = aKeap([11, 12, 13]);
    const batcher = batcherOver(keap);
    const reads = [11, 12, 13].map((id) => batcher.read('acme', id, aStart().options));
    await windowEnds();
    expect(await Promise.all(reads)).toEqual([aContact(11), aContact(12), aContact(13)]);
    expect(keap.asks).toEqual([{ accountId: 'acme', priority: 'interactive' }]);
    expect(keap.calls).toEqual([
      { accountId: 'acme', ids: [11, 12, 13], priority: 'interactive', grant: 1 },
    ]);
  });

  it('answers null for a contact the list does not return, and the others their contacts', async () => {
    const keap = aKeap([21, 23]);
    const batcher = batcherOver(keap);
    const reads = [21, 22, 23].map((id) => batcher.read('acme', id, aStart().options));
    await windowEnds();
    expect(await Promise.all(reads)).toEqual([aContact(21), null, aContact(23)]);
    expect(keap.calls).toHaveLength(1);
  });

  it('asks for a contact read twice once; each read gets its own copy', async () => {
    const keap = aKeap([31, 32]);
    const batcher = batcherOver(keap);
    const reads = [31, 32, 31].map((id) => batcher.read('acme', id, aStart().options));
    await windowEnds();
    const [first, other, again] = await Promise.all(reads);
    expect(keap.calls.map((c) => c.ids)).toEqual([[31, 32]]);
    expect(first).toEqual(aContact(31));
    expect(other).toEqual(aContact(32));
    expect(again).toEqual(aContact(31));
    expect(again).not.toBe(first);
  });

  it('asks for a full page at once, without waiting for the window; the rest goes in the next call', async () => {
    const ids = [41, 42, 43, 44, 45, 46, 47];
    const keap = aKeap(ids);
    const batcher = batcherOver(keap, { maxIds: 3 });
    const reads = ids.map((id) => batcher.read('acme', id, aStart().options));
    await settled();
    // Two pages were full: they went as they filled.
    expect(keap.calls.map((c) => c.ids)).toEqual([
      [41, 42, 43],
      [44, 45, 46],
    ]);
    await windowEnds();
    expect(keap.calls.map((c) => c.ids)).toEqual([[41, 42, 43], [44, 45, 46], [47]]);
    expect(await Promise.all(reads)).toEqual(ids.map(aContact));
  });

  it('starts a new call before the `ids==` list would grow past its longest', async () => {
    const ids = [1000001, 1000002, 1000003];
    const keap = aKeap(ids);
    // Room for two 7-digit ids and their commas, not three.
    const batcher = batcherOver(keap, { maxIdChars: 16 });
    const reads = ids.map((id) => batcher.read('acme', id, aStart().options));
    // The same contact again joins the open batch (no new room needed).
    reads.push(batcher.read('acme', 1000003, aStart().options));
    await settled();
    // The full one asked at once.
    expect(keap.calls.map((c) => c.ids)).toEqual([[1000001, 1000002]]);
    await windowEnds();
    expect(await Promise.all(reads)).toEqual([...ids, 1000003].map(aContact));
    expect(keap.calls.map((c) => c.ids)).toEqual([[1000001, 1000002], [1000003]]);
  });

  it('does not hold a lone read: it asks for its call when the window ends, with nobody else to wait for', async () => {
    const keap = aKeap([51]);
    const batcher = batcherOver(keap);
    const read = batcher.read('acme', 51, aStart().options);
    await settled();
    expect(keap.asks).toHaveLength(0);
    await windowEnds();
    expect(keap.calls.map((c) => c.ids)).toEqual([[51]]);
    expect(await read).toEqual(aContact(51));
    // A read after that call left starts a batch of its own.
    const later = batcher.read('acme', 51, aStart().options);
    await windowEnds();
    expect(await later).toEqual(aContact(51));
    expect(keap.calls).toHaveLength(2);
  });

  it('keeps taking reads while its call waits for the Keap budget, and sends them all on its grant', async () => {
    const keap = aKeap([61, 62, 63, 64]);
    keap.holdGrants = true;
    const batcher = batcherOver(keap, { maxIds: 3 });
    const reads = [61, 62].map((id) => batcher.read('acme', id, aStart().options));
    await windowEnds();
    expect(keap.asks).toHaveLength(1);
    // The budget is busy: reads arriving meanwhile join the call that waits for it, up to a page.
    reads.push(batcher.read('acme', 63, aStart().options));
    reads.push(batcher.read('acme', 64, aStart().options));
    await settled();
    expect(keap.calls).toHaveLength(0);
    keap.grantAll();
    await windowEnds();
    keap.grantAll();
    await settled();
    expect(await Promise.all(reads)).toEqual([61, 62, 63, 64].map(aContact));
    expect(keap.calls.map(({ ids, grant }) => ({ ids, grant }))).toEqual([
      { ids: [61, 62, 63], grant: 1 },
      { ids: [64], grant: 2 },
    ]);
  });

  it('never mixes accounts: each account’s reads go in its own call', async () => {
    const keap = aKeap([71, 72]);
    const batcher = batcherOver(keap);
    const reads = [
      batcher.read('acme', 71, aStart().options),
      batcher.read('globex', 72, aStart().options),
      batcher.read('acme', 72, aStart().options),
    ];
    await windowEnds();
    await Promise.all(reads);
    expect(keap.calls.map(({ accountId, ids }) => ({ accountId, ids }))).toEqual([
      { accountId: 'acme', ids: [71, 72] },
      { accountId: 'globex', ids: [72] },
    ]);
  });

  it('fails every read of a batch whose call failed, and only that batch', async () => {
    const keap = aKeap([81, 82, 83]);
    const batcher = batcherOver(keap);
    const failing = [81, 82].map((id) => batcher.read('acme', id, aStart().options));
    keap.failWith = new Error('Keap failed (503)');
    await windowEnds();
    for (const read of failing) await expect(read).rejects.toThrow('Keap failed (503)');
    keap.failWith = null;
    const next = batcher.read('acme', 83, aStart().options);
    await windowEnds();
    expect(await next).toEqual(aContact(83));
  });

  it('fails every read of a batch the budget gave no call (e.g. it waited too long)', async () => {
    const keap = aKeap([84, 85]);
    keap.refuseGrants = new Error('waited too long for the Keap budget');
    const batcher = batcherOver(keap);
    const reads = [84, 85].map((id) => batcher.read('acme', id, aStart().options));
    await windowEnds();
    for (const read of reads) await expect(read).rejects.toThrow(/waited too long/);
    expect(keap.calls).toHaveLength(0);
  });

  it('counts the call once in all, on the first read whose contact was found', async () => {
    const keap = aKeap([92, 93]);
    // The field model was not cached: the batch read it too.
    keap.kinds = ['contacts.list', 'contacts.model'];
    const batcher = batcherOver(keap);
    const starts = [aStart(), aStart(), aStart()];
    const reads = [91, 92, 93].map((id, i) => batcher.read('acme', id, starts[i]!.options));
    await windowEnds();
    await Promise.all(reads);
    // 91 is no contact: its start begins no conversation to keep the count on.
    expect(starts.map((s) => s.counted)).toEqual([
      {},
      { 'contacts.list': 1, 'contacts.model': 1 },
      {},
    ]);
  });

  it('counts a failed call’s attempts once, on the first read', async () => {
    const keap = aKeap([94, 95]);
    keap.kinds = ['contacts.list', 'contacts.list', 'contacts.list'];
    keap.failWith = new Error('Keap unreachable');
    const batcher = batcherOver(keap);
    const starts = [aStart(), aStart()];
    const reads = [94, 95].map((id, i) => batcher.read('acme', id, starts[i]!.options));
    await windowEnds();
    await Promise.allSettled(reads);
    expect(starts.map((s) => s.counted)).toEqual([{ 'contacts.list': 3 }, {}]);
  });

  it('asks with the highest priority of its reads; a read above the priority asked for waits in a batch of its own', async () => {
    const keap = aKeap([101, 102, 103, 104]);
    const batcher = batcherOver(keap);
    const mixed = [
      batcher.read('acme', 101, aStart('background').options),
      batcher.read('acme', 102, aStart('interactive').options),
    ];
    await windowEnds();
    await Promise.all(mixed);
    keap.holdGrants = true;
    const background = batcher.read('acme', 103, aStart('background').options);
    await windowEnds();
    const interactive = batcher.read('acme', 104, aStart('interactive').options);
    await windowEnds();
    keap.grantAll();
    await settled();
    expect(await background).toEqual(aContact(103));
    expect(await interactive).toEqual(aContact(104));
    expect(keap.calls.map(({ ids, priority }) => ({ ids, priority }))).toEqual([
      { ids: [101, 102], priority: 'interactive' },
      { ids: [103], priority: 'background' },
      { ids: [104], priority: 'interactive' },
    ]);
  });
});
