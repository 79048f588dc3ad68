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

/**
 * What `acquire` hands back: the call's context, plus whatever the gate needs to recognise the
 * call when its answer comes (e.g. the budget's grant id). Pass it to `observe` unchanged.
 */
export interface KeapGrant extends KeapCallContext {
  readonly grantId?: string;
}

export interface KeapRequestGate {
  /** Resolves when the call may go out (waits for budget), with the grant to answer. */
  acquire(ctx: KeapCallContext): Promise<KeapGrant>;
  /**
   * Called once after every acquired call, with the grant `acquire` gave: the response's status
   * and lower-cased headers (x-keap-*), 429s included; status 0 and no headers when no response
   * came (network error, timeout). A grant from elsewhere (or a bare context) is fine too: then
   * only the headers are learnt from.
   */
  observe(grant: KeapGrant, status: number, headers: Record<string, string>): void | Promise<void>;
  /**
   * The longest the gate keeps counting a granted call that has not been answered. The client
   * gives up on a call (its time-out) no later than this, so no call reaches Keap after the gate
   * has stopped counting it.
   */
  readonly maxCallMs?: number;
}
