import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { TooManyRequestsError } from '../../errors/domain-error';
import { RateLimits } from '../../rate-limit/rate-limits';
import { isValidTwilioSignature, publicRequestUrl } from '../twilio-signature';
import type { WebhookAuth } from '../connection/twilio-connection.service';
import {
  SenderNotInAccountError,
  SendersUnknownError,
  TwilioSenderDirectory,
} from '../connection/twilio-sender-directory';
import { TwilioSignatureRefusals } from './twilio-signature-refusals';
import { TwilioWebhookAuth } from './twilio-webhook-auth';
import {
  InvalidWebhookSignatureError,
  MalformedAccountSidError,
  OversizedWebhookFieldError,
} from './webhook.errors';

export type FormParams = Record<string, string>;

/** What the app does with each verified webhook; the account is the one whose token signed it. */
export interface TwilioWebhookRoutes {
  /** An inbound text (`/sms`): stored before Twilio gets its empty TwiML answer. */
  sms(accountId: string, params: FormParams): Promise<void>;
  /** A delivery report (`/status`); `idempotencyKey` is our message id from the callback URL. */
  status(accountId: string, params: FormParams, idempotencyKey: string | null): Promise<void>;
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
/** Twilio's webhooks are a few hundred bytes; anything near this is not Twilio. */
const MAX_BODY_BYTES = 64 * 1024;

class BodyTooLargeError extends Error {}

/** The parts of an Express request this handler reads (it runs as plain middleware). */
type WebhookRequest = IncomingMessage & { originalUrl?: string; ip?: string };

const ACCOUNT_SID = /^AC[0-9a-f]{32}$/i;
/** Twilio's fields are short but the text; an indexed column (MessageSid) takes at most ~2,700 bytes. */
const MAX_FIELD_CHARS = 500;

/**
 * Twilio's webhooks (`/hooks/twilio/sms`, `/hooks/twilio/status`), answered outside Nest's
 * router and the general middleware (helmet, cookies, request logging): Twilio sends thousands of
 * these a second at peak and each must only be parsed, verified, stored and answered. What is
 * stored, and where, is the routes' (the app wires inbound texts and delivery reports in); the
 * conversation work runs from the queues. Only failures are logged, with the request id.
 */
@Injectable()
export class TwilioWebhooks {
  private readonly logger = new Logger('TwilioWebhook');

  constructor(
    private readonly auth: TwilioWebhookAuth,
    private readonly refusals: TwilioSignatureRefusals,
    private readonly senders: TwilioSenderDirectory,
    private readonly limits: RateLimits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Express middleware for the mount path `/hooks/twilio`; other paths and methods go on. */
  middleware(
    routes: TwilioWebhookRoutes,
  ): (req: WebhookRequest, res: ServerResponse, next: () => void) => void {
    return (req, res, next) => {
      const route = req.method === 'POST' ? routeOf(req.url ?? '') : null;
      if (!route) return next();
      void this.handle(routes, route, req, res);
    };
  }

  private async handle(
    routes: TwilioWebhookRoutes,
    route: 'sms' | 'status',
    req: WebhookRequest,
    res: ServerResponse,
  ): Promise<void> {
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    res.setHeader('x-request-id', requestId);
    try {
      const signed = await formOf(req);
      const originalUrl = req.originalUrl ?? req.url ?? '';
      const accountId = await this.verify(originalUrl, signed, req);
      // PostgreSQL stores no NUL in text; a contact's text keeps everything else.
      const params = withoutNul(signed);
      const oversized = Object.keys(params).find(
        (k) => k !== 'Body' && params[k]!.length > MAX_FIELD_CHARS,
      );
      if (oversized !== undefined)
        throw new OversizedWebhookFieldError(oversized.slice(0, 40), MAX_FIELD_CHARS);
      if (route === 'sms') {
        // A token proves the account, not that the text was to it: the sender must be its own.
        await this.senders.assertOwns(
          accountId,
          params.To ?? '',
          params.MessagingServiceSid || null,
        );
        await routes.sms(accountId, params);
        res
          .writeHead(200, {
            'Content-Type': 'text/xml',
            'Content-Length': Buffer.byteLength(EMPTY_TWIML),
          })
          .end(EMPTY_TWIML);
      } else {
        const idempotencyKey = new URL(originalUrl, 'http://localhost').searchParams.get(
          'idempotencyKey',
        );
        await routes.status(accountId, params, idempotencyKey);
        res.writeHead(204).end();
      }
    } catch (err) {
      this.answerFailure(res, requestId, route, err);
    }
  }

  private async verify(
    originalUrl: string,
    params: FormParams,
    req: WebhookRequest,
  ): Promise<string> {
    const signature = req.headers['x-twilio-signature'];
    if (!params.AccountSid || !ACCOUNT_SID.test(params.AccountSid))
      throw new MalformedAccountSidError();
    const auth = await this.auth.forAccountSid(params.AccountSid);
    if (!auth) {
      // Only webhooks no account signs are limited: a connected account's bursts are real texts.
      const retryAfter = await this.limits.take('unknown-webhook', req.ip);
      if (retryAfter !== null) throw new TooManyRequestsError(retryAfter);
      throw new InvalidWebhookSignatureError();
    }
    if (typeof signature !== 'string') throw new InvalidWebhookSignatureError();
    const url = publicRequestUrl(this.config.PUBLIC_URL, originalUrl);
    if (isValidTwilioSignature(auth.authToken, url, params, signature)) return auth.accountId;
    return this.verifyAfterMismatch(auth, url, params, signature);
  }

  /**
   * Off the hot path: the signature failed with the token this process holds. Newer credentials
   * may have been saved since it was read; otherwise Twilio signs this connected account's
   * webhooks with another token, which the connection's health records for the console.
   */
  private async verifyAfterMismatch(
    stale: WebhookAuth,
    url: string,
    params: FormParams,
    signature: string,
  ): Promise<string> {
    const fresh = await this.auth.reread(params.AccountSid ?? '', stale);
    if (fresh && isValidTwilioSignature(fresh.authToken, url, params, signature))
      return fresh.accountId;
    this.refusals.refused(fresh ?? stale);
    throw new InvalidWebhookSignatureError();
  }

  /** The answers the app's exception filter gives, and a log line (never the body: it is a contact's text). */
  private answerFailure(res: ServerResponse, requestId: string, route: string, err: unknown): void {
    let status = 500;
    let error = {
      code: 'internal',
      message: 'Something went wrong on our side. Please try again.',
    };
    const retryAfter = err instanceof TooManyRequestsError ? err.retryAfterSeconds : null;
    if (
      err instanceof TooManyRequestsError ||
      err instanceof MalformedAccountSidError ||
      err instanceof OversizedWebhookFieldError
    ) {
      // Not logged: a flood of these would flood the logs too.
      status = err.status;
      error = { code: err.code, message: err.message };
    } else if (err instanceof InvalidWebhookSignatureError) {
      status = err.status;
      error = { code: err.code, message: err.message };
      this.logger.warn(`twilio ${route} webhook refused (${err.code}) [request ${requestId}]`);
    } else if (err instanceof SenderNotInAccountError || err instanceof SendersUnknownError) {
      status = err.status;
      error = { code: err.code, message: err.message };
      this.logger.warn(`twilio ${route} webhook refused (${err.code}) [request ${requestId}]`);
    } else if (err instanceof BodyTooLargeError) {
      status = 413;
      error = {
        code: 'payload_too_large',
        message: 'The request body is too large for a Twilio webhook.',
      };
      this.logger.warn(`twilio ${route} webhook refused (too large) [request ${requestId}]`);
    } else {
      this.logger.error(
        `twilio ${route} webhook failed [request ${requestId}]: ${err instanceof Error ? err.stack : String(err)}`,
      );
    }
    if (res.headersSent) return void res.end();
    const body = JSON.stringify({ error });
    res
      .writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        ...(retryAfter === null ? {} : { 'Retry-After': String(retryAfter) }),
      })
      .end(body);
  }
}

/** The form with each U+0000 (in names and values) replaced by U+FFFD. */
function withoutNul(params: FormParams): FormParams {
  if (!Object.entries(params).some(([k, v]) => k.includes('\0') || v.includes('\0'))) return params;
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [
      k.replace(/\0/g, '\uFFFD'),
      v.replace(/\0/g, '\uFFFD'),
    ]),
  );
}

function routeOf(url: string): 'sms' | 'status' | null {
  const path = url.split('?', 1)[0];
  if (path === '/sms' || path === '/sms/') return 'sms';
  if (path === '/status' || path === '/status/') return 'status';
  return null;
}

/**
 * The form Twilio posts (application/x-www-form-urlencoded, flat: no nested keys to expand), read
 * here: the middleware runs ahead of the app's body parsers (configureApp mounts it first).
 */
async function formOf(req: WebhookRequest): Promise<FormParams> {
  const type = req.headers['content-type'] ?? '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  if (!type.startsWith('application/x-www-form-urlencoded')) return {};
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}
