import { Router } from 'express';
import { KeapSandbox } from './keap-sandbox';
import { keapOAuthRouter } from './keap-oauth.router';
import { keapRestRouter } from './keap-rest.router';
import { keapControlRouter } from './keap-control.router';

export { KeapSandbox, SANDBOX_KEAP_CLIENT } from './keap-sandbox';
export type {
  KeapSandboxOptions,
  KeapOAuthClient,
  KeapCallCounts,
  KeapTokenResponse,
  AchievedGoal,
} from './keap-sandbox';
export { KEAP_PUBLISHED_LIMITS } from './keap-throttle';
export type { KeapQuotaLimits, KeapThrottleStyle } from './keap-throttle';
export { DEMO_TENANT_ID, SECOND_TENANT_ID, DEMO_TAG_NAMES } from './keap-seed';
export { KEAP_REST_BASE } from './keap-rest.router';
export { KEAP_CONTROL_BASE } from './keap-control.router';

/** Keap's consent page and token endpoint, the REST v2 API under /crm, and the control API. */
export function keapRouter(sandbox: KeapSandbox): Router {
  const router = Router();
  router.use(keapOAuthRouter(sandbox));
  router.use(keapRestRouter(sandbox));
  router.use(keapControlRouter(sandbox));
  return router;
}
