import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a Keap call is for, as the fair day sees it: `start` (a campaign start's contact read,
 * paced first when the day's quota runs short), `conversation` (a running conversation's work),
 * `note` (the transcript: background, behind conversation work).
 */
export type KeapWork = 'start' | 'conversation' | 'note';

const current = new AsyncLocalStorage<KeapWork>();

/**
 * Runs `work` with every Keap call it makes (however deep, through any Keap client) marked as
 * `kind` of work, unless the call names its own. The queue worker marks whole jobs this way, so
 * the Keap adapters need no parameter for it.
 */
export function runAsKeapWork<T>(kind: KeapWork, work: () => Promise<T>): Promise<T> {
  return current.run(kind, work);
}

/** The work the running job was marked as (`runAsKeapWork`), if any. */
export function currentKeapWork(): KeapWork | undefined {
  return current.getStore();
}
