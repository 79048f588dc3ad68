import express, { Router, type Request, type Response } from 'express';
import { KeapApiError } from './keap-api.error';
import type { KeapSandbox, KeapTenant } from './keap-sandbox';

/** Base path: the spec's server is https://api.keap.com/crm and its paths start /rest/v2. */
export const KEAP_REST_BASE = '/crm/rest/v2';
/** Keap's gateway (Apigee) refuses a longer request line (method, URL, version) with a 414. */
export const KEAP_MAX_REQUEST_LINE_BYTES = 7168;

interface CallContext {
  tenant: KeapTenant;
  userId: string;
  req: Request;
}

type Handler = (ctx: CallContext) => { status?: number; body?: unknown };

/** The REST v2 operations the product uses, each named by the spec's operationId. */
export function keapRestRouter(sandbox: KeapSandbox): Router {
  const router = Router();
  // Before anything else: the gateway refuses the request before Keap (or its quota) sees it.
  router.use(KEAP_REST_BASE, (req: Request, res: Response, next: () => void) => {
    const line = `${req.method} ${req.originalUrl} HTTP/${req.httpVersion}`;
    if (Buffer.byteLength(line) <= KEAP_MAX_REQUEST_LINE_BYTES) return next();
    const tooLong = KeapApiError.fault(
      414,
      `request line size exceeding ${KEAP_MAX_REQUEST_LINE_BYTES.toLocaleString('en-US')}`,
      'protocol.http.TooBigLine',
    );
    res.status(tooLong.status).json(tooLong.body);
  });
  router.use(KEAP_REST_BASE, express.json({ limit: '1mb' }));

  const route = (
    method: 'get' | 'post' | 'patch',
    path: string,
    operationId: string,
    handler: Handler,
  ): void => {
    router[method](`${KEAP_REST_BASE}${path}`, (req: Request, res: Response) => {
      let headers: Record<string, string> = {};
      try {
        const auth = sandbox.authenticate(req.headers.authorization);
        headers = sandbox.meter(auth.clientId, auth.tenant.id, operationId);
        const result = handler({ tenant: auth.tenant, userId: auth.userId, req });
        const lost = sandbox.takeFaultAfterApplying(operationId);
        if (lost?.drop) {
          // Applied, and no answer at all: the connection closes under the client.
          req.socket.destroy();
          return;
        }
        if (lost) {
          throw new KeapApiError(
            lost.status,
            { code: lost.status, message: 'Service unavailable', status: 'UNAVAILABLE' },
            headers,
          );
        }
        res.set(headers);
        if (result.body === undefined) res.status(result.status ?? 204).end();
        else res.status(result.status ?? 200).json(result.body);
      } catch (err) {
        if (!(err instanceof KeapApiError)) throw err;
        res.set({ ...headers, ...err.headers });
        res.status(err.status).json(err.body);
      }
    });
  };

  route('get', '/oauth/connect/userinfo', 'getUserInfo', ({ tenant, userId }) => ({
    body: sandbox.userInfo(tenant, userId),
  }));

  route('get', '/contacts', 'listContacts', ({ tenant, req }) => ({
    body: sandbox.listContacts(tenant, {
      filter: str(req.query.filter),
      fields: list(req.query.fields),
      pageSize: int(req.query.page_size),
      pageToken: str(req.query.page_token),
      orderBy: str(req.query.order_by),
    }),
  }));
  route('post', '/contacts', 'createContact', ({ tenant, req }) => {
    requireWayToReach(req.body);
    const created = sandbox.createContact(
      tenant,
      req.body,
      str(req.query.duplicate_option),
      list(req.query.fields),
    );
    return { status: created.status, body: created.contact };
  });
  // Before /contacts/:contact_id so that "model" is not read as a contact id.
  route('get', '/contacts/model', 'retrieveContactModel', ({ tenant }) => ({
    body: sandbox.contactModel(tenant),
  }));
  route('post', '/contacts/model/customFields', 'createContactCustomField', ({ tenant, req }) => ({
    status: 201,
    body: sandbox.createCustomField(tenant, req.body),
  }));
  route('get', '/contacts/:contact_id', 'getContact', ({ tenant, req }) => ({
    body: sandbox.getContact(tenant, param(req, 'contact_id'), list(req.query.fields)),
  }));
  route('patch', '/contacts/:contact_id', 'updateContact', ({ tenant, req }) => ({
    body: sandbox.updateContact(
      tenant,
      param(req, 'contact_id'),
      req.body,
      list(req.query.update_mask),
      list(req.query.fields),
    ),
  }));

  route('get', '/tags', 'listTags', ({ tenant, req }) => ({
    body: sandbox.listTags(tenant, {
      filter: str(req.query.filter),
      pageSize: int(req.query.page_size),
      pageToken: str(req.query.page_token),
    }),
  }));
  route('post', '/tags', 'createTag', ({ tenant, req }) => ({
    status: 201,
    body: sandbox.createTag(tenant, req.body),
  }));
  route('post', '/tags/:tag_id/contacts\\:applyTags', 'applyTags', ({ tenant, req }) => ({
    body: sandbox.applyTag(tenant, param(req, 'tag_id'), req.body),
  }));

  route('post', '/automations/goals/achieve', 'achieveGoal', ({ tenant, req }) => ({
    body: sandbox.achieveGoal(tenant, req.body),
  }));

  route('get', '/contacts/:contact_id/notes', 'listNotes', ({ tenant, req }) => {
    const page = sandbox.listNotes(tenant, param(req, 'contact_id'), {
      pageSize: int(req.query.page_size),
      pageToken: str(req.query.page_token),
      filter: str(req.query.filter),
    });
    return {
      body: {
        notes: page.notes.map((n) => sandbox.renderNote(n)),
        next_page_token: page.next_page_token,
      },
    };
  });
  route('post', '/contacts/:contact_id/notes', 'createNote', ({ tenant, req }) => ({
    status: 201,
    body: sandbox.renderNote(sandbox.createNote(tenant, param(req, 'contact_id'), req.body)),
  }));
  route('get', '/contacts/:contact_id/notes/:note_id', 'getNote', ({ tenant, req }) => ({
    body: sandbox.renderNote(
      sandbox.getNote(tenant, param(req, 'contact_id'), param(req, 'note_id')),
    ),
  }));
  route('patch', '/contacts/:contact_id/notes/:note_id', 'updateNote', ({ tenant, req }) => ({
    body: sandbox.renderNote(
      sandbox.updateNote(
        tenant,
        param(req, 'contact_id'),
        param(req, 'note_id'),
        req.body,
        list(req.query.update_mask),
      ),
    ),
  }));

  // Anything else under the REST base: Keap's 404 shape rather than express's HTML page.
  router.use(KEAP_REST_BASE, (req, res) => {
    res
      .status(404)
      .json(KeapApiError.of(404, 'NOT_FOUND', `No such operation: ${req.method} ${req.path}`).body);
  });
  // A body that is not JSON: Keap answers 400 in its Error shape.
  router.use(
    KEAP_REST_BASE,
    (err: unknown, _req: Request, res: Response, next: (e?: unknown) => void) => {
      if (err && typeof err === 'object' && 'type' in err && err.type === 'entity.parse.failed') {
        res.status(400).json(KeapApiError.badRequest('Malformed JSON body').body);
        return;
      }
      next(err);
    },
  );
  return router;
}

/**
 * The spec's createContact: "Contact must contain at least one item in `email_addresses`,
 * `phone_numbers`, or `addresses`" (a name alone is refused; contacts seeded through the sandbox's
 * own methods, as Keap's UI allows, may have only a name).
 */
function requireWayToReach(body: unknown): void {
  const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const some = (name: string) => Array.isArray(input[name]) && input[name].length > 0;
  if (!some('email_addresses') && !some('phone_numbers') && !some('addresses'))
    throw KeapApiError.badRequest(
      'Contact must contain at least one item in email_addresses, phone_numbers, or addresses',
    );
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function int(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1000)
    throw KeapApiError.badRequest(`Invalid page_size: ${value}`);
  return n;
}

/** `fields` comes comma-separated (explode: false), `update_mask` as repeated keys; accept both. */
function list(value: unknown): string[] | undefined {
  const parts =
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value.filter((v): v is string => typeof v === 'string')
        : [];
  const items = parts
    .flatMap((p) => p.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}
