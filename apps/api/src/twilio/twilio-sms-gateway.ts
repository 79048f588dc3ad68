import twilio from 'twilio';
import { normalisePhone } from '@sms-seq/engine';
import {
  InvalidNumberError,
  type AvailableNumber,
  type AvailableNumberSearch,
  type InboundWebhookTarget,
  type LineType,
  type LineTypeCheck,
  type MessageStatus,
  type MessagingService,
  type OutgoingMessage,
  type ProviderAccount,
  type ReceivedText,
  type SenderNumber,
  type SentMessage,
  type SentMessageQuery,
  type SmsGateway,
} from '../ports/sms-gateway.port';
import type { TwilioClientCache, TwilioCredentials } from './twilio-client-cache';
import { TwilioBaseUrlRequestClient } from './twilio-http-client';
import { toGatewayError } from './twilio-error-map';

export type { TwilioCredentials };

export interface TwilioGatewayOptions {
  /**
   * Where the SDK sends its requests instead of Twilio's hosts (TWILIO_API_BASE_URL, e.g. the
   * sandbox's http://127.0.0.1:4010). Unset: Twilio itself.
   */
  apiBaseUrl?: string;
  timeoutMs?: number;
  /**
   * Where gateways of one account share their SDK client (and its keep-alive connections); the
   * clients kept must have been made with the same `apiBaseUrl` and `timeoutMs`. Unset: a client
   * of its own.
   */
  clients?: TwilioClientCache;
}

/** findSent: how far Twilio's clock (and its whole-second date_created) may be behind ours. */
const FIND_SENT_CLOCK_MARGIN_MS = 120_000;
/** findSent: the recipient's newest messages it reads (one page); ours is among the last few. */
const FIND_SENT_LOOK_BACK = 50;

/** listReceived: how far Twilio's clock may be ahead of ours (texts seen twice are skipped). */
const LIST_RECEIVED_CLOCK_MARGIN_MS = 120_000;
/** Where a media resource's `uri` (relative, `.json`) serves its content, as MediaUrl{N} names it. */
const TWILIO_API_ORIGIN = 'https://api.twilio.com';

/** Query parameter carrying the caller's idempotency key on status callback URLs. */
export const IDEMPOTENCY_KEY_PARAM = 'idempotencyKey';

const LINE_TYPES: Record<string, { lineType: LineType; isMobile: boolean }> = {
  mobile: { lineType: 'mobile', isMobile: true },
  // Internet numbers such as Google Voice receive texts like mobiles do.
  nonFixedVoip: { lineType: 'voip', isMobile: true },
  fixedVoip: { lineType: 'voip', isMobile: false },
  landline: { lineType: 'landline', isMobile: false },
  tollFree: { lineType: 'toll-free', isMobile: false },
};

function sdkClient(credentials: TwilioCredentials, options: TwilioGatewayOptions): twilio.Twilio {
  const httpClient = new TwilioBaseUrlRequestClient({
    apiBaseUrl: options.apiBaseUrl,
    timeoutMs: options.timeoutMs,
  });
  return 'authToken' in credentials
    ? twilio(credentials.accountSid, credentials.authToken, { httpClient })
    : twilio(credentials.apiKeySid, credentials.apiKeySecret, {
        accountSid: credentials.accountSid,
        httpClient,
      });
}

/** The SmsGateway over Twilio's official SDK, one instance per account's credentials. */
export class TwilioSmsGateway implements SmsGateway {
  private readonly client: twilio.Twilio;
  private readonly accountSid: string;

  constructor(credentials: TwilioCredentials, options: TwilioGatewayOptions = {}) {
    this.accountSid = credentials.accountSid;
    const make = () => sdkClient(credentials, options);
    this.client = options.clients ? options.clients.clientFor(credentials, make) : make();
  }

  async verifyCredentials(): Promise<ProviderAccount> {
    const account = await this.call(() => this.client.api.v2010.accounts(this.accountSid).fetch());
    return { id: account.sid, friendlyName: account.friendlyName, status: account.status };
  }

  async send(message: OutgoingMessage): Promise<SentMessage> {
    const to = normalisePhone(message.to);
    if (!to) throw new InvalidNumberError(`"${message.to}" is not a phone number`);
    const created = await this.call(() =>
      this.client.messages.create({
        to,
        body: message.body,
        ...(message.sender.kind === 'phone_number'
          ? { from: message.sender.phoneNumber }
          : { messagingServiceSid: message.sender.messagingServiceSid }),
        ...(message.mediaUrls && message.mediaUrls.length > 0
          ? { mediaUrl: message.mediaUrls }
          : {}),
        ...(message.statusCallbackUrl
          ? {
              statusCallback: withQueryParam(
                message.statusCallbackUrl,
                IDEMPOTENCY_KEY_PARAM,
                message.idempotencyKey,
              ),
            }
          : {}),
      }),
    );
    return { providerMessageId: created.sid, status: created.status as MessageStatus };
  }

  /**
   * Lists the recipient's messages (from the number, when the sender is one) newest first and keeps
   * ours: outbound, same body, same sender, created since `since`. Not filtered by DateSent, as
   * the spec offers: a message still queued at Twilio (a sender's backlog drains at its rate) has
   * no date_sent yet, and missing it would send the text twice. date_created has whole seconds and
   * Twilio's clock is not ours, hence the margin; the caller skips messages it already holds.
   */
  async findSent(message: SentMessageQuery, since: Date): Promise<SentMessage[]> {
    const to = normalisePhone(message.to);
    if (!to) return [];
    const from = message.sender.kind === 'phone_number' ? message.sender.phoneNumber : undefined;
    const serviceSid =
      message.sender.kind === 'messaging_service' ? message.sender.messagingServiceSid : undefined;
    const after = since.getTime() - FIND_SENT_CLOCK_MARGIN_MS;
    const listed = await this.call(() =>
      this.client.messages.list({
        to,
        ...(from ? { from } : {}),
        pageSize: FIND_SENT_LOOK_BACK,
        limit: FIND_SENT_LOOK_BACK,
      }),
    );
    return listed
      .filter(
        (m) =>
          m.direction === 'outbound-api' &&
          m.body === message.body &&
          (!serviceSid || m.messagingServiceSid === serviceSid) &&
          m.dateCreated.getTime() >= after,
      )
      .reverse()
      .map((m) => ({ providerMessageId: m.sid, status: m.status as MessageStatus }));
  }

  /**
   * Lists the messages to the number sent since `since` (DateSent>, every page) and keeps the
   * inbound ones, oldest first. The filter is applied again here: Twilio reads it as a GMT date
   * where it is given one. A picture's URL is its media resource's, as the webhook's MediaUrl{N}.
   */
  async listReceived(to: string, since: Date): Promise<ReceivedText[]> {
    const after = new Date(since.getTime() - LIST_RECEIVED_CLOCK_MARGIN_MS);
    const listed = await this.call(() =>
      this.client.messages.list({ to, dateSentAfter: after, pageSize: 1000 }),
    );
    const received = listed
      .filter((m) => m.direction === 'inbound' && m.dateSent && m.dateSent >= after)
      .reverse();
    return Promise.all(
      received.map(async (m) => ({
        providerMessageId: m.sid,
        from: m.from,
        to: m.to,
        body: m.body ?? '',
        messagingServiceId: m.messagingServiceSid ?? null,
        mediaUrls:
          Number(m.numMedia) > 0
            ? (await this.call(() => this.client.messages(m.sid).media.list())).map(
                (media) => `${TWILIO_API_ORIGIN}${media.uri.replace(/\.json$/, '')}`,
              )
            : [],
        receivedAt: m.dateSent,
      })),
    );
  }

  async checkLineType(phoneNumber: string): Promise<LineTypeCheck> {
    const e164 = normalisePhone(phoneNumber);
    if (!e164) return { phoneNumber: null, lineType: 'invalid', isMobile: false };
    const lookup = await this.call(() =>
      this.client.lookups.v2.phoneNumbers(e164).fetch({ fields: 'line_type_intelligence' }),
    );
    if (!lookup.valid) return { phoneNumber: null, lineType: 'invalid', isMobile: false };
    const intelligence = lookup.lineTypeIntelligence as { type?: string | null } | null;
    const known = LINE_TYPES[intelligence?.type ?? ''] ?? {
      lineType: 'other' as const,
      isMobile: false,
    };
    return { phoneNumber: lookup.phoneNumber, ...known };
  }

  async listNumbers(): Promise<SenderNumber[]> {
    const numbers = await this.call(() => this.client.incomingPhoneNumbers.list());
    return numbers.map(toSenderNumber);
  }

  async listMessagingServices(): Promise<MessagingService[]> {
    const services = await this.call(() => this.client.messaging.v1.services.list());
    return Promise.all(services.map((service) => this.withPool(service)));
  }

  async connectMessagingService(
    serviceId: string,
    webhook: InboundWebhookTarget,
  ): Promise<MessagingService> {
    const updated = await this.call(() =>
      this.client.messaging.v1.services(serviceId).update({
        inboundRequestUrl: webhook.smsUrl,
        inboundMethod: 'POST',
        ...(webhook.smsFallbackUrl
          ? { fallbackUrl: webhook.smsFallbackUrl, fallbackMethod: 'POST' }
          : {}),
        ...(webhook.statusCallbackUrl ? { statusCallback: webhook.statusCallbackUrl } : {}),
        // Otherwise Twilio keeps using each pool number's own webhook and ignores the service's.
        useInboundWebhookOnNumber: false,
      }),
    );
    return this.withPool(updated);
  }

  private async withPool(service: {
    sid: string;
    friendlyName: string;
    stickySender: boolean;
    useInboundWebhookOnNumber: boolean;
    inboundRequestUrl: string;
  }): Promise<MessagingService> {
    const pool = await this.call(() =>
      this.client.messaging.v1.services(service.sid).phoneNumbers.list(),
    );
    return {
      id: service.sid,
      friendlyName: service.friendlyName,
      stickySender: service.stickySender,
      inboundWebhookUrl: service.useInboundWebhookOnNumber
        ? null
        : service.inboundRequestUrl || null,
      phoneNumbers: pool.map((n) => n.phoneNumber),
    };
  }

  async searchAvailableNumbers(search: AvailableNumberSearch): Promise<AvailableNumber[]> {
    const country = this.client.availablePhoneNumbers(search.country);
    const options = {
      smsEnabled: true,
      ...(search.areaCode ? { areaCode: Number(search.areaCode) } : {}),
      ...(search.contains ? { contains: search.contains } : {}),
      limit: search.limit ?? 20,
    };
    type Found = { phoneNumber: string; friendlyName: string; locality: string; region: string };
    const found = await this.call<Found[]>(() =>
      search.kind === 'toll-free' ? country.tollFree.list(options) : country.local.list(options),
    );
    return found.map((n) => ({
      phoneNumber: n.phoneNumber,
      friendlyName: n.friendlyName,
      locality: n.locality ?? null,
      region: n.region ?? null,
    }));
  }

  async buyNumber(phoneNumber: string, webhook?: InboundWebhookTarget): Promise<SenderNumber> {
    const bought = await this.call(() =>
      this.client.incomingPhoneNumbers.create({
        phoneNumber,
        ...(webhook ? webhookParams(webhook) : {}),
      }),
    );
    return toSenderNumber(bought);
  }

  async connectInboundWebhook(
    numberId: string,
    webhook: InboundWebhookTarget,
  ): Promise<SenderNumber> {
    const updated = await this.call(() =>
      this.client.incomingPhoneNumbers(numberId).update(webhookParams(webhook)),
    );
    return toSenderNumber(updated);
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw toGatewayError(err);
    }
  }
}

function webhookParams(webhook: InboundWebhookTarget) {
  return {
    smsUrl: webhook.smsUrl,
    smsMethod: 'POST' as const,
    ...(webhook.smsFallbackUrl
      ? { smsFallbackUrl: webhook.smsFallbackUrl, smsFallbackMethod: 'POST' as const }
      : {}),
    ...(webhook.statusCallbackUrl ? { statusCallback: webhook.statusCallbackUrl } : {}),
  };
}

function toSenderNumber(n: {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  smsUrl: string;
  statusCallback: string;
  capabilities: { sms?: boolean; mms?: boolean; SMS?: boolean; MMS?: boolean };
}): SenderNumber {
  return {
    id: n.sid,
    phoneNumber: n.phoneNumber,
    friendlyName: n.friendlyName,
    inboundWebhookUrl: n.smsUrl || null,
    statusCallbackUrl: n.statusCallback || null,
    capabilities: {
      sms: Boolean(n.capabilities?.sms ?? n.capabilities?.SMS),
      mms: Boolean(n.capabilities?.mms ?? n.capabilities?.MMS),
    },
  };
}

function withQueryParam(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}
