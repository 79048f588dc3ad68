import type { KeapCallContext, KeapRequestGate } from '../../../src/keap/budget/keap-request-gate';

export interface KeapHttpCall {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: unknown;
}

export interface KeapHttpOutcome {
  status: number;
  /** 429s this call drew before it went through. */
  throttled: number;
  grantedAt: number;
}

/**
 * One raw Keap REST call through the gate, the way the Keap client makes it (acquire, send,
 * observe every answer with its grant, retry a 429): the limiter-level multi-process spec measures
 * the budget alone with it. Real conversations through the runtime's Keap client are in
 * test/keap-budget/multi-process.e2e-spec.ts.
 */
export async function callKeapThroughGate(
  gate: KeapRequestGate,
  target: { baseUrl: string; token: string },
  ctx: KeapCallContext,
  call: KeapHttpCall,
): Promise<KeapHttpOutcome> {
  let throttled = 0;
  for (let attempt = 1; ; attempt++) {
    const grant = await gate.acquire(ctx);
    const grantedAt = Date.now();
    const res = await fetch(`${target.baseUrl}/crm/rest/v2${call.path}`, {
      method: call.method,
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
    });
    const text = await res.text();
    if (res.status === 429 && process.env.KEAP_BUDGET_DEBUG)
      console.error(
        Date.now(),
        ctx.accountId,
        text,
        JSON.stringify(Object.fromEntries(res.headers)),
      );
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    await gate.observe(grant, res.status, headers);
    if (res.status !== 429 || attempt >= 10) return { status: res.status, throttled, grantedAt };
    throttled += 1;
  }
}
