import type { KeapCallContext, KeapGrant, KeapRequestGate } from '@sms-seq/crm-keap';

/**
 * A request gate holding a grant already won from `gate`: the first call of the grant's kind and
 * account goes out on it; every other call (another kind, a retry) waits in `gate` as usual. For
 * a batch that asked the budget before it knew all its contacts (KeapContactReadBatcher).
 */
export class GrantedFirstGate implements KeapRequestGate {
  private unused: KeapGrant | null;

  constructor(
    private readonly gate: KeapRequestGate,
    grant: KeapGrant,
  ) {
    this.unused = grant;
  }

  get maxCallMs(): number | undefined {
    return this.gate.maxCallMs;
  }

  acquire(ctx: KeapCallContext): Promise<KeapGrant> {
    const grant = this.unused;
    if (grant && grant.kind === ctx.kind && grant.accountId === ctx.accountId) {
      this.unused = null;
      return Promise.resolve(grant);
    }
    return this.gate.acquire(ctx);
  }

  observe(grant: KeapGrant, status: number, headers: Record<string, string>): Promise<void> {
    return Promise.resolve(this.gate.observe(grant, status, headers));
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
