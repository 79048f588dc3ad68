import type { KeapCallContext, KeapGrant, KeapRequestGate } from '@sms-seq/crm-keap';

/**
 * A request gate holding a grant already won from `gate`: the first call of the grant's kind and
 * account goes out on it; every other call (another kind, a retry) waits in `gate` as usual, and
 * one asked before the grant was used gives it back first (the grant's call then waits too). For
 * a batch that asked the budget before it knew all its contacts (KeapContactReadBatcher), and
 * work that asked before it knew what to write (a note: KeapCrmProvider.crmAtTurn).
 */
export class GrantedFirstGate implements KeapRequestGate {
  private unused: KeapGrant | null;
  private readonly grantedAt: number;

  constructor(
    private readonly gate: KeapRequestGate,
    grant: KeapGrant,
    /**
     * `usableForMs`: the budget counts a granted call as reaching Keap by its `maxCallMs`, so a
     * grant still unused this long after it was won (its work waited on something else) is given
     * back and the call asks the budget again. `now`: the clock, for tests.
     */
    private readonly options: { usableForMs?: number; now?: () => number } = {},
  ) {
    this.unused = grant;
    this.grantedAt = (options.now ?? Date.now)();
  }

  get maxCallMs(): number | undefined {
    return this.gate.maxCallMs;
  }

  async acquire(ctx: KeapCallContext): Promise<KeapGrant> {
    const grant = this.unused;
    if (grant && grant.kind === ctx.kind && grant.accountId === ctx.accountId && !this.stale()) {
      this.unused = null;
      return grant;
    }
    // Never hold a slot while waiting for another: holders waiting on each other's calls (a
    // note's turn on the account's note user, read once per account) would fill the window.
    await this.release();
    return this.gate.acquire(ctx);
  }

  observe(grant: KeapGrant, status: number, headers: Record<string, string>): Promise<void> {
    return Promise.resolve(this.gate.observe(grant, status, headers));
  }

  private stale(): boolean {
    const { usableForMs, now = Date.now } = this.options;
    return usableForMs !== undefined && now() - this.grantedAt > usableForMs;
  }

  /**
   * Gives back the grant if no call went out on it (the call failed before sending, e.g. no
   * token): answered as a call with no answer, so the budget stops holding its slot as in flight.
   */
  async release(): Promise<void> {
    const grant = this.unused;
    this.unused = null;
    if (grant) await this.gate.observe(grant, 0, {});
  }
}
