import type { KeapCallContext, KeapGrant, KeapRequestGate } from '@sms-seq/crm-keap';
import { GrantedFirstGate } from './granted-first-gate';

/** The shared budget, recorded: what was asked of it and what it was told. */
function aBudget() {
  const acquired: KeapCallContext[] = [];
  const observed: { grantId?: string; status: number }[] = [];
  const gate: KeapRequestGate = {
    maxCallMs: 15_000,
    acquire: async (ctx) => {
      acquired.push(ctx);
      return { ...ctx, grantId: `g${acquired.length}` };
    },
    observe: async (grant, status) => {
      observed.push({ grantId: grant.grantId, status });
    },
  };
  return { gate, acquired, observed };
}

const list: KeapCallContext = { accountId: 'acme', priority: 'interactive', kind: 'contacts.list' };
const won: KeapGrant = { ...list, grantId: 'won' };

describe('GrantedFirstGate', () => {
  it('sends the first call of the grant’s kind on it, and every other call through the budget', async () => {
    const budget = aBudget();
    const gate = new GrantedFirstGate(budget.gate, won);
    expect(await gate.acquire(list)).toBe(won);
    // A retry of the list call waits in the budget like any call.
    expect(await gate.acquire(list)).toMatchObject({ grantId: 'g1' });
    expect(await gate.acquire({ ...list, kind: 'contacts.model' })).toMatchObject({
      grantId: 'g2',
    });
    expect(budget.acquired.map((c) => c.kind)).toEqual(['contacts.list', 'contacts.model']);
    expect(budget.observed).toEqual([]);
    expect(gate.maxCallMs).toBe(15_000);
  });

  it('gives the grant back before another call waits in the budget, so no slot is held meanwhile', async () => {
    const budget = aBudget();
    const gate = new GrantedFirstGate(budget.gate, won);
    // The account's field model, read before the list call: the won slot is not kept waiting.
    expect(await gate.acquire({ ...list, kind: 'contacts.model' })).toMatchObject({
      grantId: 'g1',
    });
    expect(budget.observed).toEqual([{ grantId: 'won', status: 0 }]);
    expect(await gate.acquire(list)).toMatchObject({ grantId: 'g2' });
    expect(budget.acquired.map((c) => c.kind)).toEqual(['contacts.model', 'contacts.list']);
  });

  it('never spends the grant on another account’s call', async () => {
    const budget = aBudget();
    const gate = new GrantedFirstGate(budget.gate, won);
    expect(await gate.acquire({ ...list, accountId: 'globex' })).toMatchObject({ grantId: 'g1' });
    expect(await gate.acquire(list)).toMatchObject({ grantId: 'g2' });
    expect(budget.observed).toEqual([{ grantId: 'won', status: 0 }]);
  });

  it('answers the budget for every call, and gives back the grant only when no call used it', async () => {
    const used = aBudget();
    const gate = new GrantedFirstGate(used.gate, won);
    await gate.observe(await gate.acquire(list), 200, {});
    await gate.release();
    expect(used.observed).toEqual([{ grantId: 'won', status: 200 }]);

    const unused = aBudget();
    const idle = new GrantedFirstGate(unused.gate, won);
    await idle.release();
    await idle.release();
    // As a call that got no answer: the budget stops holding its slot as in flight.
    expect(unused.observed).toEqual([{ grantId: 'won', status: 0 }]);
    // Given back, it is not spent afterwards either.
    expect(await idle.acquire(list)).toMatchObject({ grantId: 'g1' });
  });

  it('gives back a grant left unused too long, and sends the call through the budget', async () => {
    const budget = aBudget();
    let now = 1_000;
    const gate = new GrantedFirstGate(budget.gate, won, { usableForMs: 2_000, now: () => now });
    now += 2_001;
    expect(await gate.acquire(list)).toMatchObject({ grantId: 'g1' });
    expect(budget.observed).toEqual([{ grantId: 'won', status: 0 }]);
    await gate.release();
    expect(budget.observed).toHaveLength(1);

    const fresh = new GrantedFirstGate(aBudget().gate, won, { usableForMs: 2_000, now: () => now });
    now += 2_000;
    expect(await fresh.acquire(list)).toBe(won);
  });
});
