/** The port every Keap HTTP call goes through; defined by the Keap client package. */
export type {
  KeapCallContext,
  KeapCallPriority,
  KeapGrant,
  KeapRequestGate,
} from '@sms-seq/crm-keap';

/**
 * The one token for the Keap request gate every Keap client is built with (the shared Redis
 * budget, bound by KeapBudgetModule). Required: a process without the budget does not start,
 * rather than calling Keap ungated.
 */
export const KEAP_REQUEST_GATE = Symbol('KEAP_REQUEST_GATE');
