export { RedisKeapBudget } from './redis-keap-budget';
export type {
  RedisKeapBudgetOptions,
  KeapBudgetReport,
  KeapBudgetAccountReport,
  KeapBudgetWindowReport,
  KeapBudgetCall,
  KeapFairDayReport,
} from './redis-keap-budget';
export { runAsKeapWork, currentKeapWork } from './keap-work';
export type { KeapWork } from './keap-work';
export { KeapBudgetModule, KEAP_BUDGET_REDIS } from './keap-budget.module';
export {
  DEFAULT_KEAP_BUDGET_CONFIG,
  KEAP_REAL_LIMITS,
  loadKeapBudgetConfig,
  scaledKeapBudgetConfig,
  KeapBudgetConfigError,
} from '../../config/keap-budget.config';
export type { KeapBudgetConfig, KeapBudgetEnvConfig } from '../../config/keap-budget.config';
export {
  KeapBudgetWaitTimeoutError,
  KeapBudgetClosedError,
  KeapBudgetInvalidCallError,
} from './keap-budget.errors';
export { readKeapRateHeaders } from './keap-rate-headers';
export type {
  KeapCallContext,
  KeapCallPriority,
  KeapGrant,
  KeapRequestGate,
} from './keap-request-gate';
