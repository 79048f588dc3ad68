import type { DataSource, EntityManager } from 'typeorm';
import type { ConversationRepository } from './conversation.repository';
import { type PhoneLine, phoneLineKey } from '../messages/phone-line';

/**
 * Another job holds the phone's lock for longer than we were willing to wait. Retryable: the queue
 * runs the job again later (nothing was written).
 */
export class PhoneBusyError extends Error {
  constructor(readonly key: string) {
    super(`the conversation work of ${key} stayed busy; retrying later`);
  }
}

/** Thrown inside the transaction to roll it back (and so release its connection) when the lock is taken. */
class LockTaken extends Error {}

/** How long one caller keeps trying before it hands the work back to the queue. */
const WAIT_BUDGET_MS = 10_000;
const FIRST_PAUSE_MS = 5;
const LONGEST_PAUSE_MS = 200;

/**
 * Runs `work` in one transaction that holds the phone's lock (all work on one phone at one sender
 * is serialised by it, across every process). When another job holds the lock, the transaction is
 * rolled back at once and tried again after a short pause: a job never sits on a pooled connection
 * while it waits, so jobs queued behind one busy phone can never starve the pool (the drain stall
 * seen in the webhooks benchmark). After WAIT_BUDGET_MS it throws PhoneBusyError for the queue to retry.
 */
export async function inPhoneTransaction<T>(
  dataSource: DataSource,
  conversations: ConversationRepository,
  line: PhoneLine,
  work: (m: EntityManager) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + WAIT_BUDGET_MS;
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    try {
      return await dataSource.transaction(async (m) => {
        if (!(await conversations.tryLockPhone(line, m))) throw new LockTaken();
        return work(m);
      });
    } catch (err) {
      if (!(err instanceof LockTaken)) throw err;
    }
    if (Date.now() >= deadline) throw new PhoneBusyError(phoneLineKey(line));
    // Jitter so that jobs waiting for the same phone do not retry in lock step.
    await new Promise((resolve) => setTimeout(resolve, pause / 2 + Math.random() * pause));
    pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
  }
}
