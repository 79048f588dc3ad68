/**
 * The hook through which every Keap HTTP request passes. The API implements it in Redis, so
 * every process shares one budget for the OAuth app (1,500 calls a minute, 150,000 a day across
 * all accounts), fair between accounts and with conversation work ahead of background work.
 */
export type KeapCallPriority = 'interactive' | 'background';

export interface KeapCallContext {
  accountId: string;
  priority: KeapCallPriority;
  kind: string /* e.g. 'contacts.get' */;
}

export interface KeapRequestGate {
  /** Resolves when the call may go out (waits for budget). */
  acquire(ctx: KeapCallContext): Promise<void>;
  /**
   * Called once after every acquired call: the response's status and lower-cased headers
   * (x-keap-*), 429s included; status 0 and no headers when no response came (network error,
   * timeout). The same `ctx` object is passed to `acquire` and to `observe`.
   */
  observe(
    ctx: KeapCallContext,
    status: number,
    headers: Record<string, string>,
  ): void | Promise<void>;
}
