import express, { Router, type Request, type Response } from 'express';
import { KeapOAuthError } from './keap-api.error';
import type { KeapSandbox } from './keap-sandbox';

/**
 * Keap's OAuth 2 authorization-code flow: the consent page (accounts.infusionsoft.com
 * /app/oauth/authorize) and the token endpoint (api.infusionsoft.com/token).
 */
export function keapOAuthRouter(sandbox: KeapSandbox): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false });

  router.get('/app/oauth/authorize', (req, res) => {
    const q = stringQuery(req);
    const client = sandbox.client(q.client_id);
    if (!client)
      return sendPage(
        res,
        400,
        errorPage('Unknown client_id: the app asking for access is not registered.'),
      );
    if (q.response_type !== 'code')
      return sendPage(res, 400, errorPage('response_type must be "code".'));
    if (!q.redirect_uri || !isHttpUrl(q.redirect_uri))
      return sendPage(res, 400, errorPage('redirect_uri must be an http(s) URL.'));
    return sendPage(res, 200, consentPage(sandbox, client.name, q));
  });

  router.post('/app/oauth/authorize', form, (req, res) => {
    const body = stringBody(req);
    const client = sandbox.client(body.client_id);
    if (!client || !body.redirect_uri || !isHttpUrl(body.redirect_uri))
      return sendPage(res, 400, errorPage('Invalid authorization request.'));
    const target = new URL(body.redirect_uri);
    if (body.decision === 'allow') {
      const tenantId = body.tenant_id ?? '';
      if (!sandbox.tenants.has(tenantId))
        return sendPage(res, 400, errorPage('Pick a Keap app to connect.'));
      target.searchParams.set(
        'code',
        sandbox.issueAuthorizationCode({
          clientId: client.clientId,
          redirectUri: body.redirect_uri,
          tenantId,
        }),
      );
    } else {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user denied access');
    }
    if (body.state !== undefined) target.searchParams.set('state', body.state);
    return res.redirect(302, target.toString());
  });

  // An outage of the token endpoint alone (Keap's REST API may still answer): the next `count`
  // token requests answer `status`, as Keap's gateway does when the OAuth service is down.
  const tokenFaults = { count: 0, status: 503 };
  router.post('/sandbox/keap/token-faults', express.json(), (req, res) => {
    const { count, status } = (req.body ?? {}) as { count?: unknown; status?: unknown };
    const n = typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : null;
    const code = status === undefined ? 503 : status;
    if (
      n === null ||
      typeof code !== 'number' ||
      !Number.isInteger(code) ||
      code < 400 ||
      code > 599
    )
      return res.status(400).json({
        error: 'count must be a whole number ≥ 0 and status (optional, default 503) a 4xx/5xx code',
      });
    tokenFaults.count = n;
    tokenFaults.status = code;
    return res.json(tokenFaults);
  });

  router.post('/token', form, (req, res) => {
    if (tokenFaults.count > 0) {
      tokenFaults.count -= 1;
      return res.status(tokenFaults.status).json({
        error: tokenFaults.status >= 500 ? 'temporarily_unavailable' : 'invalid_request',
        error_description: 'The token service is unavailable (sandbox fault)',
      });
    }
    try {
      res.json(sandbox.exchangeToken(stringBody(req), basicAuth(req.headers.authorization)));
    } catch (err) {
      if (!(err instanceof KeapOAuthError)) throw err;
      res.status(err.status).json({ error: err.error, error_description: err.description });
    }
  });

  return router;
}

function stringQuery(req: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') out[k] = v;
  return out;
}

function stringBody(req: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>))
    if (typeof v === 'string') out[k] = v;
  return out;
}

function basicAuth(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, i)),
    secret: decodeURIComponent(decoded.slice(i + 1)),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).type('html').send(html);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;background:#f4f6f8;margin:0}main{max-width:28rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem;border-radius:4px;border:1px solid #888;cursor:pointer}
button[value=allow]{background:#1a7f37;color:#fff;border-color:#1a7f37}label{display:block;margin:.3rem 0}.note{color:#666;font-size:.85rem}</style></head>
<body><main>${body}</main></body></html>`;
}

function errorPage(message: string): string {
  return page(
    'Keap sandbox: authorization error',
    `<h1>Authorization error</h1><p>${escapeHtml(message)}</p>`,
  );
}

function consentPage(
  sandbox: KeapSandbox,
  appName: string,
  q: Record<string, string | undefined>,
): string {
  const hidden = ['client_id', 'redirect_uri', 'state', 'scope']
    .filter((k) => q[k] !== undefined)
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q[k] ?? '')}">`)
    .join('');
  const tenants = [...sandbox.tenants.values()]
    .map(
      (t, i) =>
        `<label><input type="radio" name="tenant_id" value="${escapeHtml(t.id)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(t.name)} (${escapeHtml(t.id)})</label>`,
    )
    .join('');
  return page(
    'Keap sandbox: allow access?',
    `<h1>${escapeHtml(appName)} would like to access your Keap account</h1>
<form method="post" action="/app/oauth/authorize">${hidden}
<p>Choose the Keap app to connect:</p>${tenants}
<p>It will be able to read and change your contacts, tags and notes (scope: ${escapeHtml(q.scope ?? 'full')}).</p>
<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button>
</form><p class="note">Local Keap sandbox: no real Keap account is involved.</p>`,
  );
}
