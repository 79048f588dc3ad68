import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { TwilioApiError } from './twilio-api-error';
import { parsePhone } from './phone-number';
import type { TwilioMessageState, TwilioSandbox } from './twilio-sandbox';

/**
 * The JSON API that drives and inspects the Twilio stand-in (`/sandbox/twilio/...`): the phone
 * simulator page, end-to-end tests and the demo use it. Documented in the sandbox README.
 */
export function twilioControlRouter(sandbox: TwilioSandbox): Router {
  const router = Router();
  router.use('/sandbox/twilio', express.json());

  router.get('/sandbox/twilio/account', (_req, res) => {
    const account = sandbox.demoAccount;
    // Only the SID: the auth token is a secret even in the sandbox (its default is in the README).
    res.json({ accountSid: account.sid, friendlyName: account.friendlyName });
  });

  router.get('/sandbox/twilio/numbers', (_req, res) => {
    res.json({
      numbers: [...sandbox.numbers.values()].map((n) => ({
        sid: n.sid,
        phoneNumber: n.phoneNumber,
        friendlyName: n.friendlyName,
        kind: n.kind,
        smsUrl: n.smsUrl,
        smsMethod: n.smsMethod,
        smsFallbackUrl: n.smsFallbackUrl,
        statusCallback: n.statusCallback,
        messagingServiceSid: n.messagingServiceSid,
      })),
      messagingServices: [...sandbox.services.values()].map((s) => ({
        sid: s.sid,
        friendlyName: s.friendlyName,
        inboundRequestUrl: s.inboundRequestUrl,
        fallbackUrl: s.fallbackUrl,
        useInboundWebhookOnNumber: s.useInboundWebhookOnNumber,
        advancedOptOut: s.advancedOptOut,
      })),
      availableNumbers: sandbox.availableNumbers,
    });
  });

  // More numbers for the demo account than the seed has (e.g. to list more than one page of them).
  router.post('/sandbox/twilio/numbers', (req, res) => {
    const input = z
      .object({
        phoneNumber: z.string().min(1),
        friendlyName: z.string().optional(),
        kind: z.enum(['local', 'toll-free']).default('local'),
      })
      .parse(req.body);
    const e164 = parsePhone(input.phoneNumber)?.e164;
    if (!e164 || sandbox.numberByPhone(e164)) {
      res.status(400).json({ error: `${input.phoneNumber} is not a phone number, or taken` });
      return;
    }
    sandbox.availableNumbers.push({
      phoneNumber: e164,
      kind: input.kind,
      locality: '',
      region: '',
      postalCode: '',
      rateCenter: '',
      lata: '',
    });
    const number = sandbox.buyNumber(sandbox.demoAccount, {
      phoneNumber: e164,
      ...(input.friendlyName ? { friendlyName: input.friendlyName } : {}),
    });
    res.status(201).json({ sid: number.sid, phoneNumber: number.phoneNumber });
  });

  // The owner rotates the account's Auth Token in the Twilio Console: the old one is refused (20003).
  router.post('/sandbox/twilio/accounts/:sid/auth-token', (req, res) => {
    const input = z
      .object({ authToken: z.string().min(8), revokeApiKeys: z.boolean().default(false) })
      .parse(req.body);
    const sid = String(req.params.sid);
    if (!sandbox.rotateAuthToken(sid, input.authToken, input.revokeApiKeys)) {
      res.status(404).json({ error: 'no such account' });
      return;
    }
    res.json({ accountSid: sid, rotated: true, apiKeysRevoked: input.revokeApiKeys });
  });

  router.get('/sandbox/twilio/messages', (req, res) => {
    const phone = typeof req.query.phone === 'string' ? req.query.phone : undefined;
    const messages = phone ? sandbox.conversationOf(phone) : sandbox.messages;
    res.json({ messages: messages.map(view) });
  });

  router.get('/sandbox/twilio/phones/:phone/messages', (req, res) => {
    const phone = parsePhone(String(req.params.phone))?.e164 ?? String(req.params.phone);
    const messages = sandbox.conversationOf(phone);
    res.json({
      phone,
      received: messages.filter((m) => m.direction !== 'inbound').map(view),
      sent: messages.filter((m) => m.direction === 'inbound').map(view),
      conversation: messages.map(view),
    });
  });

  const inboundSchema = z.object({
    from: z.string().min(1),
    to: z.string().min(1),
    body: z.string().max(1600).default(''),
    mediaUrls: z.array(z.string().url()).max(10).default([]),
    deliverTwice: z.boolean().default(false),
  });
  router.post('/sandbox/twilio/inbound', async (req, res) => {
    const input = inboundSchema.parse(req.body);
    const result = await sandbox.receiveInbound(input);
    res
      .status(201)
      .json({ message: view(result.message), deliveries: result.deliveries.map(deliveryView) });
  });

  router.get('/sandbox/twilio/webhooks', (_req, res) => {
    res.json({ deliveries: sandbox.webhooks.deliveries.map(deliveryView) });
  });

  router.get('/sandbox/twilio/opt-outs', (_req, res) => {
    res.json({
      optOuts: [...sandbox.optOuts].map((key) => {
        const [sender, phone] = key.split('|');
        return { sender, phone };
      }),
    });
  });

  router.put('/sandbox/twilio/landlines', (req, res) => {
    const { numbers } = z.object({ numbers: z.array(z.string()) }).parse(req.body);
    sandbox.landlines = new Set(numbers.map((n) => parsePhone(n)?.e164 ?? n));
    res.json({ landlines: [...sandbox.landlines] });
  });

  router.put('/sandbox/twilio/invalid-numbers', (req, res) => {
    const { numbers } = z.object({ numbers: z.array(z.string()) }).parse(req.body);
    sandbox.invalidNumbers = new Set(numbers.map((n) => parsePhone(n)?.e164 ?? n));
    res.json({ invalidNumbers: [...sandbox.invalidNumbers] });
  });

  router.put('/sandbox/twilio/undeliverable', (req, res) => {
    const rules = z
      .object({
        numbers: z.record(
          z.string(),
          z.object({
            errorCode: z.number().int().min(30001).max(30999),
            status: z.enum(['failed', 'undelivered']).default('undelivered'),
          }),
        ),
      })
      .parse(req.body);
    sandbox.undeliverable = new Map(
      Object.entries(rules.numbers).map(([n, rule]) => [parsePhone(n)?.e164 ?? n, rule]),
    );
    res.json({ undeliverable: Object.fromEntries(sandbox.undeliverable) });
  });

  router.put('/sandbox/twilio/failures', (req, res) => {
    const input = z
      .object({
        failNextSends: z.number().int().min(0).default(0),
        status: z.union([z.literal(500), z.literal(503)]).default(500),
        senderRateLimit: z
          .object({ limit: z.number().int().min(1), windowMs: z.number().int().min(1) })
          .nullable()
          .default(null),
      })
      .parse(req.body);
    sandbox.failNextSends = { remaining: input.failNextSends, status: input.status };
    sandbox.senderRateLimit = input.senderRateLimit;
    res.json({ failNextSends: sandbox.failNextSends, senderRateLimit: sandbox.senderRateLimit });
  });

  router.post('/sandbox/twilio/faults', (req, res) => {
    const input = z
      .object({
        count: z.number().int().min(0),
        afterApplying: z.boolean().default(true),
      })
      .parse(req.body);
    sandbox.dropNextSendAnswers = { remaining: input.count, afterApplying: input.afterApplying };
    res.json({ dropNextSendAnswers: sandbox.dropNextSendAnswers });
  });

  router.put('/sandbox/twilio/messaging-services/:sid', (req, res) => {
    const service = sandbox.services.get(String(req.params.sid));
    if (!service) {
      res.status(404).json({ error: 'no such messaging service' });
      return;
    }
    const input = z
      .object({
        inboundRequestUrl: z.string().url().nullable().optional(),
        useInboundWebhookOnNumber: z.boolean().optional(),
        advancedOptOut: z.boolean().optional(),
        statusCallback: z.string().url().nullable().optional(),
      })
      .parse(req.body);
    if (input.inboundRequestUrl !== undefined) service.inboundRequestUrl = input.inboundRequestUrl;
    if (input.useInboundWebhookOnNumber !== undefined)
      service.useInboundWebhookOnNumber = input.useInboundWebhookOnNumber;
    if (input.advancedOptOut !== undefined) service.advancedOptOut = input.advancedOptOut;
    if (input.statusCallback !== undefined) service.statusCallback = input.statusCallback;
    res.json({ sid: service.sid, ...input });
  });

  router.post('/sandbox/twilio/reset', async (_req, res) => {
    await sandbox.whenIdle();
    sandbox.reset();
    res.json({ reset: true });
  });

  router.use(
    '/sandbox/twilio',
    (err: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (err instanceof z.ZodError) {
        res.status(400).json({ error: 'invalid request', issues: err.issues });
        return;
      }
      if (err instanceof TwilioApiError) {
        res.status(err.status).json(err.toJSON());
        return;
      }
      next(err);
    },
  );
  return router;
}

function view(m: TwilioMessageState) {
  return {
    sid: m.sid,
    direction: m.direction,
    from: m.from,
    to: m.to,
    body: m.body,
    mediaUrls: m.mediaUrls,
    status: m.status,
    errorCode: m.errorCode,
    messagingServiceSid: m.messagingServiceSid,
    dateCreated: m.dateCreated.toISOString(),
  };
}

function deliveryView(d: TwilioSandbox['webhooks']['deliveries'][number]) {
  return {
    kind: d.kind,
    url: d.url,
    params: d.params,
    responseStatus: d.responseStatus,
    error: d.error,
    attempts: d.attempts,
    fellBack: d.fellBack,
    at: d.at,
  };
}
