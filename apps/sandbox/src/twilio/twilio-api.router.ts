import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { TwilioApiError, twilioErrors } from './twilio-api-error';
import { parsePhone } from './phone-number';
import {
  accountResource,
  availableNumberResource,
  incomingNumberResource,
  lookupResource,
  mediaResource,
  messageResource,
  page2010,
  pageV1,
  serviceResource,
  servicePhoneNumberResource,
  twilioHosts,
} from './twilio-resources';
import type { TwilioAccountState, TwilioSandbox } from './twilio-sandbox';

/**
 * Twilio's REST paths, as Twilio serves them: the 2010 API (Accounts, Messages,
 * IncomingPhoneNumbers, AvailablePhoneNumbers), Messaging v1 (Services) and Lookup v2. The SDK
 * reaches them when its API base URL points at the sandbox.
 */
export function twilioApiRouter(sandbox: TwilioSandbox): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '1mb' });
  const paths = ['/2010-04-01', '/v1/Services', '/v2/PhoneNumbers'];

  router.use(paths, form, (req, _res, next) => {
    sandbox.requestLog.push({
      method: req.method,
      path: req.originalUrl.split('?')[0] ?? req.originalUrl,
      query: { ...(req.query as Record<string, unknown>) },
      body: { ...((req.body as Record<string, unknown> | undefined) ?? {}) },
    });
    next();
  });
  router.use(paths, (req, res, next) => {
    const account = authenticate(sandbox, req);
    if (!account) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
      next(twilioErrors.authenticate());
      return;
    }
    res.locals.account = account;
    next();
  });

  const A = '/2010-04-01/Accounts/:accountSid';
  const own = (req: Request, res: Response): TwilioAccountState => {
    const account = res.locals.account as TwilioAccountState;
    const sid = req.params.accountSid ?? req.params.sid;
    // Twilio answers another account's path as "not found" for these credentials.
    if (sid !== account.sid) throw twilioErrors.notFound(req.path);
    return account;
  };

  router.get('/2010-04-01/Accounts/:sid.json', (req, res) => {
    res.json(accountResource(own(req, res)));
  });

  router.post(`${A}/Messages.json`, (req, res) => {
    const account = own(req, res);
    const body = req.body as Record<string, unknown>;
    // A dropped answer: the caller sees the connection close, whether or not the message was taken.
    const dropped = sandbox.takeDroppedAnswer();
    if (dropped && !dropped.afterApplying) return void req.socket.destroy();
    const message = sandbox.createMessage(account, {
      to: str(body.To),
      from: str(body.From),
      messagingServiceSid: str(body.MessagingServiceSid),
      body: str(body.Body),
      mediaUrls: list(body.MediaUrl),
      statusCallback: str(body.StatusCallback),
    });
    if (dropped) return void req.socket.destroy();
    res.status(201).json(messageResource(message));
  });

  router.get(`${A}/Messages.json`, (req, res) => {
    const account = own(req, res);
    const to = str(req.query.To);
    const from = str(req.query.From);
    const sentInRange = dateSentFilter(req.query);
    const items = sandbox.messages
      .filter(
        (m) =>
          m.accountSid === account.sid &&
          (!to || m.to === to) &&
          (!from || m.from === from) &&
          sentInRange(m.dateSent),
      )
      .slice()
      .reverse() // newest first, as Twilio lists them
      .map(messageResource);
    const extra: Record<string, string> = {};
    if (to) extra.To = to;
    if (from) extra.From = from;
    res.json(
      page2010(
        'messages',
        `/2010-04-01/Accounts/${account.sid}/Messages.json`,
        items,
        req.query,
        extra,
      ),
    );
  });

  router.get(`${A}/Messages/:sid/Media.json`, (req, res) => {
    const account = own(req, res);
    const message = sandbox.messages.find(
      (m) => m.sid === req.params.sid && m.accountSid === account.sid,
    );
    if (!message) throw twilioErrors.notFound(req.path);
    res.json(
      page2010(
        'media_list',
        `/2010-04-01/Accounts/${account.sid}/Messages/${message.sid}/Media.json`,
        message.mediaUrls.map((url, i) => mediaResource(message, i, url)),
        req.query,
      ),
    );
  });

  router.get(`${A}/Messages/:sid.json`, (req, res) => {
    const account = own(req, res);
    const message = sandbox.messages.find(
      (m) => m.sid === req.params.sid && m.accountSid === account.sid,
    );
    if (!message) throw twilioErrors.notFound(req.path);
    res.json(messageResource(message));
  });

  router.get(`${A}/IncomingPhoneNumbers.json`, (req, res) => {
    const account = own(req, res);
    const phone = str(req.query.PhoneNumber);
    const items = [...sandbox.numbers.values()]
      .filter((n) => n.accountSid === account.sid && (!phone || n.phoneNumber === phone))
      .map(incomingNumberResource);
    res.json(
      page2010(
        'incoming_phone_numbers',
        `/2010-04-01/Accounts/${account.sid}/IncomingPhoneNumbers.json`,
        items,
        req.query,
      ),
    );
  });

  router.post(`${A}/IncomingPhoneNumbers.json`, (req, res) => {
    const account = own(req, res);
    const body = req.body as Record<string, unknown>;
    const number = sandbox.buyNumber(account, {
      phoneNumber: str(body.PhoneNumber),
      areaCode: str(body.AreaCode),
      smsUrl: str(body.SmsUrl),
      smsMethod: str(body.SmsMethod),
      smsFallbackUrl: str(body.SmsFallbackUrl),
      statusCallback: str(body.StatusCallback),
      friendlyName: str(body.FriendlyName),
    });
    res.status(201).json(incomingNumberResource(number));
  });

  const findNumber = (req: Request, res: Response) => {
    const account = own(req, res);
    const number = sandbox.numbers.get(String(req.params.sid));
    if (!number || number.accountSid !== account.sid) throw twilioErrors.notFound(req.path);
    return number;
  };
  router.get(`${A}/IncomingPhoneNumbers/:sid.json`, (req, res) => {
    res.json(incomingNumberResource(findNumber(req, res)));
  });
  router.post(`${A}/IncomingPhoneNumbers/:sid.json`, (req, res) => {
    const number = findNumber(req, res);
    const body = req.body as Record<string, unknown>;
    sandbox.updateNumber(number, {
      smsUrl: str(body.SmsUrl),
      smsMethod: str(body.SmsMethod),
      smsFallbackUrl: str(body.SmsFallbackUrl),
      statusCallback: str(body.StatusCallback),
      friendlyName: str(body.FriendlyName),
    });
    res.json(incomingNumberResource(number));
  });

  for (const [segment, kind] of [
    ['Local', 'local'],
    ['TollFree', 'toll-free'],
  ] as const) {
    router.get(`${A}/AvailablePhoneNumbers/:country/${segment}.json`, (req, res) => {
      const account = own(req, res);
      const country = String(req.params.country);
      const areaCode = str(req.query.AreaCode);
      const contains = str(req.query.Contains)?.replace(/\*/g, '');
      const items =
        country === 'US'
          ? sandbox.availableNumbers
              .filter((n) => n.kind === kind)
              .filter((n) => !areaCode || n.phoneNumber.startsWith(`+1${areaCode}`))
              .filter((n) => !contains || n.phoneNumber.includes(contains))
              .map(availableNumberResource)
          : [];
      res.json(
        page2010(
          'available_phone_numbers',
          `/2010-04-01/Accounts/${account.sid}/AvailablePhoneNumbers/${country}/${segment}.json`,
          items,
          req.query,
        ),
      );
    });
  }

  router.get('/v1/Services', (req, res) => {
    const account = res.locals.account as TwilioAccountState;
    const items = [...sandbox.services.values()]
      .filter((s) => s.accountSid === account.sid)
      .map(serviceResource);
    res.json(pageV1('services', `${twilioHosts.messaging}/v1/Services`, items, req.query));
  });

  const findService = (req: Request, res: Response) => {
    const account = res.locals.account as TwilioAccountState;
    const service = sandbox.services.get(String(req.params.serviceSid));
    if (!service || service.accountSid !== account.sid) throw twilioErrors.notFound(req.path);
    return service;
  };
  router.get('/v1/Services/:serviceSid', (req, res) => {
    res.json(serviceResource(findService(req, res)));
  });
  router.post('/v1/Services/:serviceSid', (req, res) => {
    const service = findService(req, res);
    const body = req.body as Record<string, unknown>;
    const flag = (name: string) => {
      const value = str(body[name]);
      if (value === undefined) return undefined;
      if (value !== 'true' && value !== 'false') throw twilioErrors.invalidParameter(name, value);
      return value === 'true';
    };
    sandbox.updateService(service, {
      friendlyName: str(body.FriendlyName),
      inboundRequestUrl: str(body.InboundRequestUrl),
      fallbackUrl: str(body.FallbackUrl),
      statusCallback: str(body.StatusCallback),
      stickySender: flag('StickySender'),
      useInboundWebhookOnNumber: flag('UseInboundWebhookOnNumber'),
    });
    res.json(serviceResource(service));
  });
  router.get('/v1/Services/:serviceSid/PhoneNumbers', (req, res) => {
    const service = findService(req, res);
    const items = [...sandbox.numbers.values()]
      .filter((n) => n.messagingServiceSid === service.sid)
      .map((n) => servicePhoneNumberResource(service, n));
    res.json(
      pageV1(
        'phone_numbers',
        `${twilioHosts.messaging}/v1/Services/${service.sid}/PhoneNumbers`,
        items,
        req.query,
      ),
    );
  });

  router.get('/v2/PhoneNumbers/:phone', (req, res) => {
    const input = String(req.params.phone);
    const number = parsePhone(input);
    // The invalid set is invalid for Lookup as well as for sends.
    const parsed = number && !sandbox.invalidNumbers.has(number.e164) ? number : null;
    const fields = (str(req.query.Fields) ?? '').split(',').map((f) => f.trim());
    const wantsLineType = fields.includes('line_type_intelligence');
    const lineType =
      parsed && wantsLineType ? lineTypeOf(sandbox, parsed.e164, parsed.nationalFormat) : null;
    res.json(lookupResource(input, parsed, lineType));
  });

  router.use(paths, (req: Request, _res: Response, next: NextFunction) => {
    next(twilioErrors.notFound(req.path));
  });
  router.use(paths, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof TwilioApiError) {
      res.status(err.status).json(err.toJSON());
      return;
    }
    next(err);
  });
  return router;
}

function lineTypeOf(sandbox: TwilioSandbox, e164: string, _national: string): string {
  if (sandbox.landlines.has(e164)) return 'landline';
  if (/^\+1(800|833|844|855|866|877|888)/.test(e164)) return 'tollFree';
  return 'mobile';
}

function authenticate(sandbox: TwilioSandbox, req: Request): TwilioAccountState | null {
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return sandbox.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
}

/**
 * ListMessage's `DateSent`, `DateSent<` and `DateSent>` (on, on or before, on or after): a GMT
 * date (`YYYY-MM-DD`, the whole day) or a date-time (as the SDK sends them). A message not sent
 * yet has no date and is left out by any of them.
 */
function dateSentFilter(query: Record<string, unknown>): (sent: Date | null) => boolean {
  const bound = (name: string, endOfDay: boolean) => {
    const value = str(query[name]);
    if (!value) return null;
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
    const at = new Date(dateOnly ? `${value}T00:00:00Z` : value).getTime();
    if (Number.isNaN(at)) throw twilioErrors.invalidParameter(name, value);
    return dateOnly && endOfDay ? at + 86_400_000 - 1 : at;
  };
  const on = str(query.DateSent);
  const after = bound('DateSent>', false) ?? (on ? bound('DateSent', false) : null);
  const before = bound('DateSent<', true) ?? (on ? bound('DateSent', true) : null);
  if (after === null && before === null) return () => true;
  return (sent) =>
    sent !== null &&
    (after === null || sent.getTime() >= after) &&
    (before === null || sent.getTime() <= before);
}

function str(value: unknown): string | undefined {
  if (Array.isArray(value)) return str(value[0]);
  return typeof value === 'string' ? value : undefined;
}

function list(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter(
    (v): v is string => typeof v === 'string' && v !== '',
  );
}
