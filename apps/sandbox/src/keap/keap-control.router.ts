import express, { Router, type Request, type Response } from 'express';
import { KeapApiError } from './keap-api.error';
import type { KeapSandbox } from './keap-sandbox';
import type { KeapQuotaLimits } from './keap-throttle';

export const KEAP_CONTROL_BASE = '/sandbox/keap';

const QUOTA_KEYS: (keyof KeapQuotaLimits)[] = [
  'appPerSecond',
  'appPerMinute',
  'appPerDay',
  'tenantPerMinute',
  'tenantPerDay',
];

/** JSON control API to inspect and drive the Keap stand-in (end-to-end tests, the demo). */
export function keapControlRouter(sandbox: KeapSandbox): Router {
  const router = Router();
  router.use(KEAP_CONTROL_BASE, express.json());

  const handle = (fn: (req: Request) => unknown) => (req: Request, res: Response) => {
    try {
      res.json(fn(req));
    } catch (err) {
      if (!(err instanceof KeapApiError)) throw err;
      res.status(err.status).json(err.body);
    }
  };
  const tenantOf = (req: Request) => sandbox.tenant(String(req.params.tenantId));
  const body = (req: Request): Record<string, unknown> =>
    (req.body ?? {}) as Record<string, unknown>;

  router.get(
    `${KEAP_CONTROL_BASE}/tenants`,
    handle(() =>
      [...sandbox.tenants.values()].map((t) => ({
        id: t.id,
        name: t.name,
        contacts: t.contacts.size,
        tags: t.tags.size,
      })),
    ),
  );
  router.post(
    `${KEAP_CONTROL_BASE}/tenants`,
    handle((req) => {
      const { id, name } = body(req);
      if (typeof id !== 'string' || !/^[a-z0-9]{2,20}$/.test(id))
        throw KeapApiError.badRequest('id: 2-20 lower-case letters or digits');
      const tenant = sandbox.createTenant(id, typeof name === 'string' ? name : id);
      return { id: tenant.id, name: tenant.name };
    }),
  );
  router.get(
    `${KEAP_CONTROL_BASE}/tenants/:tenantId/contacts`,
    handle((req) => sandbox.describeContacts(tenantOf(req))),
  );
  router.get(
    `${KEAP_CONTROL_BASE}/tenants/:tenantId/contacts/:contactId/tags`,
    handle((req) => sandbox.tagsOf(tenantOf(req), String(req.params.contactId))),
  );
  router.get(
    `${KEAP_CONTROL_BASE}/tenants/:tenantId/goals`,
    handle((req) => sandbox.goalsOf(tenantOf(req))),
  );
  router.get(
    `${KEAP_CONTROL_BASE}/goals`,
    handle((req) => sandbox.goalsOfPhone(String(req.query.phone ?? ''))),
  );
  router.get(
    `${KEAP_CONTROL_BASE}/tenants/:tenantId/tags`,
    handle((req) => [...tenantOf(req).tags.values()]),
  );
  router.get(
    `${KEAP_CONTROL_BASE}/tenants/:tenantId/notes`,
    handle((req) => [...tenantOf(req).notes.values()]),
  );
  router.get(
    `${KEAP_CONTROL_BASE}/tenants/:tenantId/custom-fields`,
    handle((req) => tenantOf(req).customFields),
  );

  router.get(
    `${KEAP_CONTROL_BASE}/quotas`,
    handle(() => sandbox.throttle.limits),
  );
  router.put(
    `${KEAP_CONTROL_BASE}/quotas`,
    handle((req) => {
      const patch: Partial<KeapQuotaLimits> = {};
      for (const [key, value] of Object.entries(body(req))) {
        if (!QUOTA_KEYS.includes(key as keyof KeapQuotaLimits))
          throw KeapApiError.badRequest(`Unknown quota ${key}; known: ${QUOTA_KEYS.join(', ')}`);
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
          throw KeapApiError.badRequest(`${key} must be a whole number`);
        patch[key as keyof KeapQuotaLimits] = value;
      }
      return sandbox.setQuotas(patch);
    }),
  );

  router.put(
    `${KEAP_CONTROL_BASE}/throttle-style`,
    handle((req) => {
      const { retryAfter, body: shape, ...rest } = body(req);
      if (Object.keys(rest).length > 0)
        throw KeapApiError.badRequest(`Unknown setting ${Object.keys(rest).join(', ')}`);
      if (retryAfter !== undefined && typeof retryAfter !== 'boolean')
        throw KeapApiError.badRequest('retryAfter must be true or false');
      if (shape !== undefined && shape !== 'v2' && shape !== 'fault')
        throw KeapApiError.badRequest('body must be "v2" or "fault"');
      return sandbox.setThrottleStyle({
        ...(retryAfter !== undefined ? { retryAfter } : {}),
        ...(shape !== undefined ? { body: shape } : {}),
      });
    }),
  );

  router.get(
    `${KEAP_CONTROL_BASE}/grants`,
    handle(() => sandbox.grantSummaries()),
  );
  router.post(
    `${KEAP_CONTROL_BASE}/grants/revoke`,
    handle((req) => {
      const { tenantId, clientId } = body(req);
      return {
        revoked: sandbox.revokeGrants({
          ...(typeof tenantId === 'string' ? { tenantId } : {}),
          ...(typeof clientId === 'string' ? { clientId } : {}),
        }),
      };
    }),
  );
  router.put(
    `${KEAP_CONTROL_BASE}/access-token-ttl`,
    handle((req) => {
      const { seconds } = body(req);
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1)
        throw KeapApiError.badRequest('seconds must be a positive whole number');
      sandbox.accessTokenTtlSeconds = seconds;
      return { seconds };
    }),
  );
  router.post(
    `${KEAP_CONTROL_BASE}/clock/advance`,
    handle((req) => {
      const { seconds } = body(req);
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
        throw KeapApiError.badRequest('seconds must be a number >= 0');
      sandbox.advanceClock(seconds * 1000);
      return { now: new Date(sandbox.now()).toISOString() };
    }),
  );

  router.post(
    `${KEAP_CONTROL_BASE}/faults`,
    handle((req) => {
      const { count, status = 503, afterApplying = false, drop = false, operations } = body(req);
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
        throw KeapApiError.badRequest('count must be a whole number >= 0');
      if (typeof status !== 'number' || status < 500 || status > 599)
        throw KeapApiError.badRequest('status must be a 5xx code');
      if (typeof afterApplying !== 'boolean' || typeof drop !== 'boolean')
        throw KeapApiError.badRequest('afterApplying and drop must be true or false');
      if (drop && !afterApplying)
        throw KeapApiError.badRequest(
          'drop needs afterApplying: true (the work is done, the answer lost)',
        );
      if (
        operations !== undefined &&
        (!Array.isArray(operations) ||
          operations.length === 0 ||
          !operations.every((o) => typeof o === 'string' && /^[A-Za-z]+$/.test(o)))
      )
        throw KeapApiError.badRequest(
          'operations must be a non-empty list of operation ids, e.g. ["createNote"]',
        );
      const only = operations as string[] | undefined;
      sandbox.failNextCalls(count, status, {
        afterApplying,
        drop,
        ...(only ? { operations: only } : {}),
      });
      return { count, status, afterApplying, drop, ...(only ? { operations: only } : {}) };
    }),
  );
  router.post(
    `${KEAP_CONTROL_BASE}/tenants/:tenantId/tag-refusals`,
    handle((req) => {
      const { contactId, tagId, count = 1, ...rest } = body(req);
      if (Object.keys(rest).length > 0)
        throw KeapApiError.badRequest(`Unknown setting ${Object.keys(rest).join(', ')}`);
      if (typeof contactId !== 'string' || !/^[0-9]+$/.test(contactId))
        throw KeapApiError.badRequest('contactId must be a contact id, e.g. "3"');
      if (tagId !== undefined && (typeof tagId !== 'string' || !/^[0-9]+$/.test(tagId)))
        throw KeapApiError.badRequest('tagId must be a tag id, e.g. "7", or left out for any tag');
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
        throw KeapApiError.badRequest('count must be a whole number >= 0');
      sandbox.refuseTagApplies(tenantOf(req), contactId, {
        count,
        ...(tagId !== undefined ? { tagId } : {}),
      });
      return { contactId, count, ...(tagId !== undefined ? { tagId } : {}) };
    }),
  );
  router.get(
    `${KEAP_CONTROL_BASE}/calls`,
    handle(() => sandbox.callCounts()),
  );
  router.post(
    `${KEAP_CONTROL_BASE}/reset`,
    handle(() => {
      sandbox.reset();
      return { reset: true };
    }),
  );
  return router;
}
