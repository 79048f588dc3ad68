import type { CrmCallOptions, CrmPriority } from '../../ports/crm.port';

/** One item waiting on a batch's call, and how it settles. */
export interface BatchWaiter<Id, Result> {
  id: Id;
  options: CrmCallOptions;
  resolve: (result: Result) => void;
  reject: (err: unknown) => void;
}

/** The items of one Keap call, gathered while the call waits for the budget. */
export interface GrantBatch<Key, Id, Result> {
  key: Key;
  /** In arrival order (the Keap call is counted on one of them, see `countsOn`). */
  waiters: BatchWaiter<Id, Result>[];
  /** The call's ids: the same id twice shares one slot. */
  ids: Set<Id>;
  /** What the ids take of the call's `room` so far. */
  used: number;
  timer?: NodeJS.Timeout;
  /** Set once the batch has asked the budget for its call, at this priority. */
  asked?: CrmPriority;
}

export interface GrantBatcherOptions<Key, Id, Result, Grant, Answer> {
  /** How long the first item of a batch waits for others of its key before it asks the budget. */
  windowMs: number;
  /** Distinct ids one call carries at most: a batch this full asks at once. */
  maxIds: number;
  /** When more than the count limits a call: what one id takes of its room, and the room. */
  room?: { of: (id: Id) => number; max: number };
  /** Items of keys with the same name share a batch. */
  nameOf: (key: Key) => string;
  /** Resolves when the Keap budget lets the call of a batch of `key` go out. */
  grant: (key: Key, priority: CrmPriority) => Promise<Grant>;
  /** The batch's Keap call, its first attempt going out on `grant`. */
  call: (
    batch: GrantBatch<Key, Id, Result>,
    attempt: { grant: Grant; priority: CrmPriority; onCall: (kind: string) => void },
  ) => Promise<Answer>;
  /** Whether the call is counted on this waiter, if it is the first such (see `send`). */
  countsOn: (answer: Answer, waiter: BatchWaiter<Id, Result>) => boolean;
  /** Settles every waiter of the batch from the call's answer. */
  settle: (batch: GrantBatch<Key, Id, Result>, answer: Answer) => void;
}

/**
 * Gathers items of one key into one Keap call on one budget grant: the first item of a batch
 * waits `windowMs` for company, then the batch asks the budget for its call and keeps taking
 * items until the budget lets it go (or it is full): the busier Keap is, the fuller each call.
 */
export class GrantBatcher<Key, Id, Result, Grant, Answer> {
  /** The batch still taking items, per key name. */
  private readonly open = new Map<string, GrantBatch<Key, Id, Result>>();

  constructor(private readonly how: GrantBatcherOptions<Key, Id, Result, Grant, Answer>) {}

  /** Settles as `settle` says for this item; rejects when the grant or the call failed. */
  add(key: Key, id: Id, options: CrmCallOptions): Promise<Result> {
    return new Promise((resolve, reject) => {
      const name = this.how.nameOf(key);
      const takes = this.how.room?.of(id) ?? 0;
      const open = this.open.get(name);
      // An item joins the open batch unless the batch has no room left for its id (it is full:
      // it asks now), or already asked the budget at a lower priority than this item's (work
      // someone waits on does not ride in a call asked for at the back of the budget's queue).
      if (
        open &&
        ((!open.ids.has(id) && open.used + takes > (this.how.room?.max ?? Infinity)) ||
          (open.asked === 'background' && options.priority === 'interactive'))
      ) {
        this.stopTaking(open);
        this.ask(open);
      }
      let batch = this.open.get(name);
      if (!batch) {
        const opened: GrantBatch<Key, Id, Result> = { key, waiters: [], ids: new Set(), used: 0 };
        opened.timer = setTimeout(() => this.ask(opened), this.how.windowMs);
        this.open.set(name, (batch = opened));
      }
      batch.waiters.push({ id, options, resolve, reject });
      if (!batch.ids.has(id)) {
        batch.ids.add(id);
        batch.used += takes;
      }
      if (batch.ids.size >= this.how.maxIds) {
        this.stopTaking(batch);
        this.ask(batch);
      }
    });
  }

  /** New items of the key go to another batch. */
  private stopTaking(batch: GrantBatch<Key, Id, Result>): void {
    const name = this.how.nameOf(batch.key);
    if (this.open.get(name) === batch) this.open.delete(name);
  }

  /** Asks the budget for the batch's call (once), and sends it when granted. */
  private ask(batch: GrantBatch<Key, Id, Result>): void {
    clearTimeout(batch.timer);
    if (batch.asked) return;
    // One call for many items: the highest priority any of them asked for.
    batch.asked = batch.waiters.some((w) => w.options.priority === 'interactive')
      ? 'interactive'
      : 'background';
    this.how.grant(batch.key, batch.asked).then(
      (grant) => {
        this.stopTaking(batch);
        void this.send(batch, grant);
      },
      (err: unknown) => {
        this.stopTaking(batch);
        for (const w of batch.waiters) w.reject(err);
      },
    );
  }

  private async send(batch: GrantBatch<Key, Id, Result>, grant: Grant): Promise<void> {
    const kinds: string[] = [];
    let answer: Answer;
    try {
      answer = await this.how.call(batch, {
        grant,
        priority: batch.asked ?? 'interactive',
        onCall: (kind) => kinds.push(kind),
      });
    } catch (err) {
      // Every item of the batch fails with it (their jobs retry, as a lone item's would).
      countOn(batch.waiters[0], kinds);
      for (const w of batch.waiters) w.reject(err);
      return;
    }
    // The batch's calls are counted once in all, not once per item: on the first waiter
    // `countsOn` picks (the likeliest to record them with its conversation), else the first.
    // Summed over an account's conversations that is the calls Keap really answered.
    countOn(batch.waiters.find((w) => this.how.countsOn(answer, w)) ?? batch.waiters[0], kinds);
    this.how.settle(batch, answer);
  }
}

function countOn(waiter: { options: CrmCallOptions } | undefined, kinds: string[]): void {
  for (const kind of kinds) waiter?.options.onCall?.(kind);
}
