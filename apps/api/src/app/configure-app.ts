import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Registry } from 'prom-client';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { InboundMessageService } from '../inbound/inbound-message.service';
import { observeWebhooks } from '../metrics/webhook-metrics';
import { DeliveryStatusService } from '../sending/delivery-status.service';
import { TWILIO_WEBHOOK_MOUNT } from '../twilio/twilio-webhook-urls';
import { TwilioWebhooks } from '../twilio/webhooks/twilio-webhooks';
import { API_DOCS_PATH, setUpOpenApi } from './openapi';
import { mountQueueDashboard, QUEUE_DASHBOARD_PATH } from './queue-dashboard';

const API_CSP = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] };
const PAGE_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

function isHtmlPage(path: string): boolean {
  return [`/${API_DOCS_PATH}`, QUEUE_DASHBOARD_PATH].some(
    (page) => path === page || path.startsWith(`${page}/`),
  );
}

/** HTTP set-up shared by `main.ts` and the end-to-end tests, so tests run the app as deployed. */
export function configureApp(app: INestApplication): void {
  // req.ip (the per-client rate limits' key) is the client's address only through trusted proxies.
  const config = app.get<AppConfig>(APP_CONFIG, { strict: false });
  (app as NestExpressApplication).set('trust proxy', config.TRUST_PROXY);
  // On the app itself: the Twilio webhooks below answer before helmet would remove it.
  (app as NestExpressApplication).disable('x-powered-by');
  app.setGlobalPrefix('api', { exclude: ['health', 'health/ready', 'hooks/(.*)'] });
  // First in the chain: Twilio's webhooks skip helmet, cookies, request logging and Nest's router.
  const inbound = app.get(InboundMessageService, { strict: false });
  const delivery = app.get(DeliveryStatusService, { strict: false });
  const twilioWebhooks = app.get(TwilioWebhooks, { strict: false }).middleware({
    sms: async (accountId, params) => void (await inbound.receive(accountId, params)),
    status: (accountId, params, idempotencyKey) =>
      delivery.record(accountId, params, idempotencyKey),
  });
  // Observed from outside: rate, latency and refusals of every answer the webhooks give.
  app.use(
    TWILIO_WEBHOOK_MOUNT,
    observeWebhooks(app.get(Registry, { strict: false }), twilioWebhooks),
  );
  app.use(cookieParser());
  // The API answers JSON only: it may load nothing and be framed by no one. The HTML pages (the
  // docs, the queue dashboard) load their own scripts and need inline styles.
  const apiHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    frameguard: { action: 'deny' },
  });
  const pageHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: PAGE_CSP },
    frameguard: { action: 'deny' },
  });
  app.use((req: Request, res: Response, next: NextFunction) =>
    (isHtmlPage(req.path) ? pageHeaders : apiHeaders)(req, res, next),
  );
  mountQueueDashboard(app, config);
  setUpOpenApi(app, config);
}
