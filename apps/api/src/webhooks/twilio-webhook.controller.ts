import { Body, Controller, Header, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { isValidTwilioSignature, publicRequestUrl } from '../twilio/twilio-signature';
import { DeliveryStatusService } from './delivery-status.service';
import { InboundMessageService } from './inbound-message.service';
import { TwilioWebhookAuth } from './twilio-webhook-auth';
import { InvalidWebhookSignatureError } from './webhook.errors';

type FormParams = Record<string, string>;

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Twilio's webhooks. They do little synchronously (verify, store, queue) and answer at once;
 * the conversation work runs from the queues.
 */
@ApiExcludeController()
@Controller('hooks/twilio')
export class TwilioWebhookController {
  constructor(
    private readonly auth: TwilioWebhookAuth,
    private readonly inbound: InboundMessageService,
    private readonly delivery: DeliveryStatusService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('sms')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  async sms(@Req() req: Request, @Body() body: FormParams, @Headers('x-twilio-signature') signature?: string): Promise<string> {
    const accountId = await this.verify(req, body, signature);
    await this.inbound.receive(accountId, body);
    return EMPTY_TWIML;
  }

  @Post('status')
  @HttpCode(204)
  async status(@Req() req: Request, @Body() body: FormParams, @Headers('x-twilio-signature') signature?: string): Promise<void> {
    const accountId = await this.verify(req, body, signature);
    await this.delivery.record(accountId, body, typeof req.query.idempotencyKey === 'string' ? req.query.idempotencyKey : null);
  }

  private async verify(req: Request, body: FormParams, signature: string | undefined): Promise<string> {
    const auth = await this.auth.forAccountSid(typeof body?.AccountSid === 'string' ? body.AccountSid : undefined);
    const url = publicRequestUrl(this.config.PUBLIC_URL, req.originalUrl);
    if (!auth || !isValidTwilioSignature(auth.authToken, url, body ?? {}, signature)) throw new InvalidWebhookSignatureError();
    return auth.accountId;
  }
}
