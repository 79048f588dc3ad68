/**
 * The port every Keap HTTP call goes through, as `packages/crm-keap/src/request-gate.ts` defines
 * it. Declared here structurally (same shape) so this folder builds before that package exports
 * it; TypeScript's structural typing makes the two interchangeable.
 * TODO(keap-budget): import type { KeapRequestGate } from '@sms-seq/crm-keap' once it is exported.
 */
export type KeapCallPriority = 'interactive' | 'background';

export interface KeapCallContext {
  accountId: string;
  priority: KeapCallPriority;
  /** What the call does, e.g. 'contacts.get'; reported per account. */
  kind: string;
}

export interface KeapRequestGate {
  /** Resolves when the call may go out (waits for budget). */
  acquire(ctx: KeapCallContext): Promise<void>;
  /** Every response's status and lower-cased headers (x-keap-*), 429s included. */
  observe(ctx: KeapCallContext, status: number, headers: Record<string, string>): void | Promise<void>;
}
