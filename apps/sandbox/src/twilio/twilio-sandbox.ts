import { newSid } from './twilio-ids';
import { TwilioApiError, twilioErrors } from './twilio-api-error';
import { parsePhone } from './phone-number';
import { twilioSeed, type TwilioSeed } from './twilio-seed';
import { WebhookSender, type WebhookDelivery } from './webhook-sender';
import { optOutWordOf, optOutReply, type OptOutType } from './opt-out';
import { countSegments } from './segments';

export interface TwilioAccountState {
  sid: string;
  authToken: string;
  friendlyName: string;
  apiKeys: { sid: string; secret: string }[];
  dateCreated: Date;
}

export interface TwilioNumberState {
  sid: string;
  accountSid: string;
  phoneNumber: string;
  friendlyName: string;
  kind: 'local' | 'toll-free';
  locality: string;
  region: string;
  postalCode: string;
  /** As set, with any connection overrides (`#rc=…`): Twilio keeps the fragment. */
  smsUrl: string | null;
  smsMethod: 'GET' | 'POST';
  /** Where Twilio posts an inbound text when every try at smsUrl failed. */
  smsFallbackUrl: string | null;
  statusCallback: string | null;
  messagingServiceSid: string | null;
  dateCreated: Date;
  dateUpdated: Date;
}

export interface TwilioServiceState {
  sid: string;
  accountSid: string;
  friendlyName: string;
  inboundRequestUrl: string | null;
  /** Where Twilio posts an inbound text when every try at inboundRequestUrl failed. */
  fallbackUrl: string | null;
  statusCallback: string | null;
  stickySender: boolean;
  useInboundWebhookOnNumber: boolean;
  /** Advanced Opt-Out: Twilio adds OptOutType to inbound webhooks and answers STOP/START/HELP itself. */
  advancedOptOut: boolean;
  dateCreated: Date;
  dateUpdated: Date;
}

export type MessageStatus =
  'accepted' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';

export interface TwilioMessageState {
  sid: string;
  accountSid: string;
  direction: 'inbound' | 'outbound-api' | 'outbound-reply';
  from: string | null;
  to: string;
  body: string;
  mediaUrls: string[];
  status: MessageStatus;
  errorCode: number | null;
  errorMessage: string | null;
  messagingServiceSid: string | null;
  statusCallback: string | null;
  numSegments: number;
  dateCreated: Date;
  dateSent: Date | null;
  dateUpdated: Date;
}

export interface AvailableNumberState {
  phoneNumber: string;
  kind: 'local' | 'toll-free';
  locality: string;
  region: string;
  postalCode: string;
  rateCenter: string;
  lata: string;
}

export interface SendMessageInput {
  to?: string;
  from?: string;
  messagingServiceSid?: string;
  body?: string;
  mediaUrls: string[];
  statusCallback?: string;
}

export interface InboundTextInput {
  from: string;
  to: string;
  body: string;
  mediaUrls?: string[];
  /** Deliver the same MessageSid twice, as Twilio sometimes does. */
  deliverTwice?: boolean;
}

export interface InboundTextResult {
  message: TwilioMessageState;
  deliveries: WebhookDelivery[];
}

/** Delivery failures reported by status callback (30003 unreachable, 30006 landline, ...). */
export interface UndeliverableRule {
  errorCode: number;
  status: 'failed' | 'undelivered';
}

export interface TwilioSandboxOptions {
  publicUrl: string;
  seed?: TwilioSeed;
  /** The clock the rate limit reads; a test may replace it. */
  now?: () => number;
}

/** Twilio's test-credentials number that is "invalid and cannot receive SMS" (21211). */
export const TWILIO_INVALID_TEST_NUMBER = '+15005550001';

const MAX_BODY = 1600;
const MAX_MEDIA = 10;

const DELIVERY_ERROR_MESSAGES: Record<number, string> = {
  30003: 'Unreachable destination handset',
  30004: 'Message blocked',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered',
  30008: 'Unknown error',
};

/**
 * The Twilio stand-in's state and behaviour: accounts, numbers, messaging services, messages,
 * opt-outs, and the switches that make failures happen on demand. Everything lives in memory and
 * `reset()` returns to the seed.
 */
export class TwilioSandbox {
  readonly webhooks: WebhookSender;
  private readonly now: () => number;
  private seed: TwilioSeed;

  accounts = new Map<string, TwilioAccountState>();
  numbers = new Map<string, TwilioNumberState>();
  services = new Map<string, TwilioServiceState>();
  messages: TwilioMessageState[] = [];
  availableNumbers: AvailableNumberState[] = [];
  /** `${senderKey}|${phone}` for every phone that texted STOP to that sender. */
  optOuts = new Set<string>();
  landlines = new Set<string>();
  /**
   * Numbers that parse yet Twilio refuses as invalid (21211), as it does for numbers no carrier
   * serves; the seed holds Twilio's own test number for it, +15005550001.
   */
  invalidNumbers = new Set<string>();
  undeliverable = new Map<string, UndeliverableRule>();
  failNextSends = { remaining: 0, status: 500 };
  /**
   * The next `remaining` message creates get no answer: the connection is closed, after the
   * message was stored and queued (`afterApplying`: Twilio took it, the answer was lost) or before.
   */
  dropNextSendAnswers = { remaining: 0, afterApplying: true };
  senderRateLimit: { limit: number; windowMs: number } | null = null;
  /** Every request made to the Twilio API paths, for contract checks and for tests to inspect. */
  requestLog: {
    method: string;
    path: string;
    query: Record<string, unknown>;
    body: Record<string, unknown>;
  }[] = [];
  private sendTimes = new Map<string, number[]>();

  constructor(readonly options: TwilioSandboxOptions) {
    this.now = options.now ?? Date.now;
    this.seed = options.seed ?? twilioSeed();
    this.webhooks = new WebhookSender();
    this.reset();
  }

  /** Back to the seed: forgets messages, opt-outs, switches and bought numbers. */
  reset(): void {
    const seed = this.seed;
    const created = new Date(this.now());
    this.accounts.clear();
    this.numbers.clear();
    this.services.clear();
    this.messages = [];
    this.optOuts.clear();
    this.undeliverable.clear();
    this.failNextSends = { remaining: 0, status: 500 };
    this.dropNextSendAnswers = { remaining: 0, afterApplying: true };
    this.senderRateLimit = null;
    this.sendTimes.clear();
    this.requestLog = [];
    this.webhooks.clear();
    this.accounts.set(seed.account.sid, {
      ...seed.account,
      apiKeys: [{ ...seed.apiKey }],
      dateCreated: created,
    });
    this.services.set(seed.messagingService.sid, {
      sid: seed.messagingService.sid,
      accountSid: seed.account.sid,
      friendlyName: seed.messagingService.friendlyName,
      inboundRequestUrl: null,
      fallbackUrl: null,
      statusCallback: null,
      stickySender: true,
      useInboundWebhookOnNumber: true,
      advancedOptOut: seed.messagingService.advancedOptOut,
      dateCreated: created,
      dateUpdated: created,
    });
    for (const n of seed.numbers) {
      this.numbers.set(n.sid, {
        ...n,
        accountSid: seed.account.sid,
        messagingServiceSid: n.messagingServiceSid ?? null,
        smsUrl: null,
        smsMethod: 'POST',
        smsFallbackUrl: null,
        statusCallback: null,
        dateCreated: created,
        dateUpdated: created,
      });
    }
    for (const other of seed.otherAccounts ?? []) {
      this.accounts.set(other.account.sid, {
        ...other.account,
        apiKeys: [{ ...other.apiKey }],
        dateCreated: created,
      });
      for (const n of other.numbers) {
        this.numbers.set(n.sid, {
          ...n,
          accountSid: other.account.sid,
          messagingServiceSid: n.messagingServiceSid ?? null,
          smsUrl: null,
          smsMethod: 'POST',
          smsFallbackUrl: null,
          statusCallback: null,
          dateCreated: created,
          dateUpdated: created,
        });
      }
    }
    this.availableNumbers = seed.availableNumbers.map((n) => ({ ...n }));
    this.landlines = new Set(seed.landlines);
    this.invalidNumbers = new Set([TWILIO_INVALID_TEST_NUMBER]);
  }

  /** Basic auth as Twilio takes it: account SID + auth token, or API key SID + secret. */
  authenticate(username: string, password: string): TwilioAccountState | null {
    for (const account of this.accounts.values()) {
      if (account.sid === username && account.authToken === password) return account;
      if (account.apiKeys.some((k) => k.sid === username && k.secret === password)) return account;
    }
    return null;
  }

  /**
   * The account owner makes a new Auth Token in the Twilio Console (and, with `revokeApiKeys`,
   * deletes its API keys): from now on only the new token authenticates, and it signs the
   * webhooks. False when there is no such account.
   */
  rotateAuthToken(accountSid: string, authToken: string, revokeApiKeys = false): boolean {
    const account = this.accounts.get(accountSid);
    if (!account) return false;
    account.authToken = authToken;
    if (revokeApiKeys) account.apiKeys = [];
    return true;
  }

  /** The seeded demo account (what the phone page and the control API act on). */
  get demoAccount(): TwilioAccountState {
    const account = this.accounts.get(this.seed.account.sid);
    if (!account) throw new Error('the demo account is missing');
    return account;
  }

  numberByPhone(phoneNumber: string): TwilioNumberState | undefined {
    return [...this.numbers.values()].find((n) => n.phoneNumber === phoneNumber);
  }

  /** Opt-outs are kept per messaging service when the number is in one, else per number. */
  private senderKey(number: TwilioNumberState | undefined, serviceSid: string | null): string {
    return serviceSid ?? number?.messagingServiceSid ?? number?.phoneNumber ?? 'unknown';
  }

  isOptedOut(
    phone: string,
    number: TwilioNumberState | undefined,
    serviceSid: string | null,
  ): boolean {
    return this.optOuts.has(`${this.senderKey(number, serviceSid)}|${phone}`);
  }

  /** Messages.create: validate as Twilio does, then queue the message and its status callbacks. */
  createMessage(account: TwilioAccountState, input: SendMessageInput): TwilioMessageState {
    this.failIfSwitchedOn();
    if (!input.to) throw twilioErrors.invalidTo('');
    const service = input.messagingServiceSid
      ? this.services.get(input.messagingServiceSid)
      : undefined;
    if (input.messagingServiceSid && (!service || service.accountSid !== account.sid)) {
      throw twilioErrors.serviceNotFound(input.messagingServiceSid);
    }
    if (!input.from && !service) throw twilioErrors.missingFrom();
    let number: TwilioNumberState | undefined;
    if (input.from) {
      const fromPhone = parsePhone(input.from)?.e164 ?? input.from;
      number = this.numberByPhone(fromPhone);
      if (!number || number.accountSid !== account.sid) throw twilioErrors.fromNotOwned(input.from);
    }
    const to = parsePhone(input.to);
    if (!to || this.invalidNumbers.has(to.e164)) throw twilioErrors.invalidTo(input.to);
    if (to.country !== 'US' && to.country !== 'CA') throw twilioErrors.regionNotEnabled(to.e164);
    const body = input.body ?? '';
    if (!body && input.mediaUrls.length === 0) throw twilioErrors.missingBody();
    if (body.length > MAX_BODY) throw twilioErrors.bodyTooLong();
    if (input.mediaUrls.length > MAX_MEDIA) throw twilioErrors.tooManyMedia();
    if (this.landlines.has(to.e164)) throw twilioErrors.notMobile(to.e164);
    const serviceSid = service?.sid ?? null;
    if (!number && service) number = this.pickPoolNumber(service, to.e164);
    if (this.isOptedOut(to.e164, number, serviceSid)) throw twilioErrors.unsubscribed();
    this.enforceSenderRateLimit(serviceSid ?? number?.phoneNumber ?? 'unknown');

    const created = new Date(this.now());
    const message: TwilioMessageState = {
      sid: newSid(input.mediaUrls.length > 0 ? 'MM' : 'SM'),
      accountSid: account.sid,
      direction: 'outbound-api',
      // Through a messaging service Twilio answers before it picks the sender: `from` is null and
      // the status is `accepted` until the message is queued.
      from: service && !input.from ? null : (number?.phoneNumber ?? null),
      to: to.e164,
      body,
      mediaUrls: input.mediaUrls,
      status: service && !input.from ? 'accepted' : 'queued',
      errorCode: null,
      errorMessage: null,
      messagingServiceSid: serviceSid ?? number?.messagingServiceSid ?? null,
      statusCallback: input.statusCallback ?? service?.statusCallback ?? null,
      numSegments: countSegments(body),
      dateCreated: created,
      dateSent: null,
      dateUpdated: created,
    };
    this.messages.push(message);
    this.progressOutbound(message, number?.phoneNumber ?? null);
    return message;
  }

  /** Sticky sender: the pool number that last talked with this phone, else the first in the pool. */
  private pickPoolNumber(service: TwilioServiceState, to: string): TwilioNumberState | undefined {
    const pool = [...this.numbers.values()].filter((n) => n.messagingServiceSid === service.sid);
    if (service.stickySender) {
      const last = [...this.messages]
        .reverse()
        .find(
          (m) =>
            (m.to === to && pool.some((n) => n.phoneNumber === m.from)) ||
            (m.from === to && pool.some((n) => n.phoneNumber === m.to)),
        );
      const sticky =
        last && pool.find((n) => n.phoneNumber === last.from || n.phoneNumber === last.to);
      if (sticky) return sticky;
    }
    return pool[0];
  }

  /**
   * Whether this message create is one whose answer is dropped (and when), counting it down. The
   * REST router asks before creating and closes the connection instead of answering.
   */
  takeDroppedAnswer(): { afterApplying: boolean } | null {
    if (this.dropNextSendAnswers.remaining <= 0) return null;
    this.dropNextSendAnswers.remaining -= 1;
    return { afterApplying: this.dropNextSendAnswers.afterApplying };
  }

  private failIfSwitchedOn(): void {
    if (this.failNextSends.remaining > 0) {
      this.failNextSends.remaining -= 1;
      throw twilioErrors.internal(this.failNextSends.status);
    }
  }

  private enforceSenderRateLimit(senderKey: string): void {
    if (!this.senderRateLimit) return;
    const { limit, windowMs } = this.senderRateLimit;
    const now = this.now();
    const recent = (this.sendTimes.get(senderKey) ?? []).filter((t) => now - t < windowMs);
    if (recent.length >= limit) {
      this.sendTimes.set(senderKey, recent);
      throw twilioErrors.tooManyRequests();
    }
    recent.push(now);
    this.sendTimes.set(senderKey, recent);
  }

  /**
   * Moves an outbound message along queued → sent → delivered, or sent → undelivered, with the
   * configured error code, after the create answer is out, posting each status to its callback.
   * `failed` means Twilio never sent it: no `sent` before it (a messaging-service send is queued
   * first, as it is when it gets its sender).
   */
  private progressOutbound(message: TwilioMessageState, from: string | null): void {
    const rule = this.undeliverable.get(message.to);
    const steps: MessageStatus[] = [];
    if (message.status === 'accepted') steps.push('queued');
    if (rule?.status !== 'failed') steps.push('sent');
    steps.push(rule ? rule.status : 'delivered');
    this.webhooks.track(
      (async () => {
        // Let the create answer reach the caller first, as Twilio's callbacks always come after it.
        await new Promise((resolve) => setImmediate(resolve));
        for (const status of steps) {
          message.status = status;
          message.dateUpdated = new Date(this.now());
          if (status === 'queued' || message.from === null) message.from = from;
          if (status === 'sent') message.dateSent = new Date(this.now());
          if (rule && (status === 'failed' || status === 'undelivered')) {
            message.errorCode = rule.errorCode;
            message.errorMessage = DELIVERY_ERROR_MESSAGES[rule.errorCode] ?? 'Unknown error';
          }
          if (message.statusCallback) {
            await this.webhooks.send({
              kind: 'status-callback',
              url: message.statusCallback,
              authToken: this.accountOf(message).authToken,
              params: this.statusCallbackParams(message),
            });
          }
        }
      })(),
    );
  }

  private accountOf(message: TwilioMessageState): TwilioAccountState {
    return this.accounts.get(message.accountSid) ?? this.demoAccount;
  }

  /** The parameters Twilio posts to a message's StatusCallback. */
  statusCallbackParams(message: TwilioMessageState): Record<string, string> {
    const params: Record<string, string> = {
      ApiVersion: '2010-04-01',
      AccountSid: message.accountSid,
      MessageSid: message.sid,
      SmsSid: message.sid,
      MessageStatus: message.status,
      SmsStatus: message.status,
      From: message.from ?? '',
      To: message.to,
    };
    if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
    if (message.errorCode !== null) params.ErrorCode = String(message.errorCode);
    return params;
  }

  /**
   * A phone texts a sandbox number: record the message, apply Twilio's opt-out handling, and post
   * the inbound webhook to the number's SmsUrl (or its messaging service's inbound URL).
   */
  async receiveInbound(input: InboundTextInput): Promise<InboundTextResult> {
    const from = parsePhone(input.from);
    if (!from) throw new TwilioApiError(400, 21211, `Invalid 'From' Phone Number: ${input.from}`);
    const to = parsePhone(input.to);
    const number = to ? this.numberByPhone(to.e164) : undefined;
    if (!number) throw twilioErrors.notFound(`phone number ${input.to}`);
    const service = number.messagingServiceSid
      ? this.services.get(number.messagingServiceSid)
      : undefined;
    const mediaUrls = input.mediaUrls ?? [];
    const created = new Date(this.now());
    const message: TwilioMessageState = {
      sid: newSid(mediaUrls.length > 0 ? 'MM' : 'SM'),
      accountSid: number.accountSid,
      direction: 'inbound',
      from: from.e164,
      to: number.phoneNumber,
      body: input.body,
      mediaUrls,
      status: 'received',
      errorCode: null,
      errorMessage: null,
      messagingServiceSid: service?.sid ?? null,
      statusCallback: null,
      numSegments: countSegments(input.body),
      dateCreated: created,
      dateSent: created,
      dateUpdated: created,
    };
    this.messages.push(message);

    const optOutType = optOutWordOf(input.body);
    const key = `${this.senderKey(number, null)}|${from.e164}`;
    if (optOutType === 'STOP') this.optOuts.add(key);
    if (optOutType === 'START') this.optOuts.delete(key);

    const params = this.inboundParams(
      message,
      number,
      from.country,
      service?.advancedOptOut ? optOutType : null,
    );
    const viaService = service && !service.useInboundWebhookOnNumber && service.inboundRequestUrl;
    const url = viaService ? service.inboundRequestUrl : number.smsUrl;
    const fallbackUrl = viaService ? service.fallbackUrl : number.smsFallbackUrl;
    const deliveries: WebhookDelivery[] = [];
    if (url) {
      const account = this.accountOf(message);
      const times = input.deliverTwice ? 2 : 1;
      for (let i = 0; i < times; i += 1) {
        const delivery = await this.webhooks.send({
          kind: 'inbound',
          url,
          fallbackUrl,
          authToken: account.authToken,
          params,
        });
        deliveries.push(delivery);
        if (i === 0) this.replyFromTwiml(delivery.responseBody, message, number);
      }
    }
    // Twilio answers opt-out keywords itself only where Advanced Opt-Out is on (see README).
    if (optOutType && service?.advancedOptOut)
      this.recordAutoReply(number, from.e164, optOutReply(optOutType));
    return { message, deliveries };
  }

  /** Every standard parameter of Twilio's inbound message webhook. */
  inboundParams(
    message: TwilioMessageState,
    number: TwilioNumberState,
    fromCountry: string,
    optOutType: OptOutType | null,
  ): Record<string, string> {
    const params: Record<string, string> = {
      ToCountry: 'US',
      ToState: number.region,
      SmsMessageSid: message.sid,
      NumMedia: String(message.mediaUrls.length),
      ToCity: number.locality,
      FromZip: '',
      SmsSid: message.sid,
      FromState: '',
      SmsStatus: 'received',
      FromCity: '',
      Body: message.body,
      FromCountry: fromCountry,
      To: number.phoneNumber,
      ToZip: number.postalCode,
      NumSegments: String(message.numSegments),
      MessageSid: message.sid,
      AccountSid: message.accountSid,
      From: message.from ?? '',
      ApiVersion: '2010-04-01',
    };
    if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
    message.mediaUrls.forEach((mediaUrl, i) => {
      params[`MediaUrl${i}`] = mediaUrl;
      params[`MediaContentType${i}`] = contentTypeOf(mediaUrl);
    });
    if (optOutType) params.OptOutType = optOutType;
    return params;
  }

  /** A webhook may answer with TwiML `<Message>`s: Twilio sends them as replies. */
  private replyFromTwiml(
    twiml: string | undefined,
    inbound: TwilioMessageState,
    number: TwilioNumberState,
  ): void {
    if (!twiml) return;
    for (const match of twiml.matchAll(/<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g)) {
      const inner = match[1] ?? '';
      const bodyMatch = /<Body>([\s\S]*?)<\/Body>/.exec(inner);
      const text = decodeXml(bodyMatch ? (bodyMatch[1] ?? '') : inner.replace(/<[^>]+>/g, ''));
      if (text.trim()) this.recordAutoReply(number, inbound.from ?? '', text.trim());
    }
  }

  private recordAutoReply(number: TwilioNumberState, to: string, body: string): void {
    const created = new Date(this.now());
    this.messages.push({
      sid: newSid('SM'),
      accountSid: number.accountSid,
      direction: 'outbound-reply',
      from: number.phoneNumber,
      to,
      body,
      mediaUrls: [],
      status: 'delivered',
      errorCode: null,
      errorMessage: null,
      messagingServiceSid: number.messagingServiceSid,
      statusCallback: null,
      numSegments: countSegments(body),
      dateCreated: created,
      dateSent: created,
      dateUpdated: created,
    });
  }

  /** IncomingPhoneNumbers.create: buy one of the available numbers. */
  buyNumber(
    account: TwilioAccountState,
    input: {
      phoneNumber?: string;
      areaCode?: string;
      smsUrl?: string;
      smsMethod?: string;
      smsFallbackUrl?: string;
      statusCallback?: string;
      friendlyName?: string;
    },
  ): TwilioNumberState {
    const wanted = input.phoneNumber
      ? (parsePhone(input.phoneNumber)?.e164 ?? input.phoneNumber)
      : undefined;
    const index = this.availableNumbers.findIndex((n) =>
      wanted
        ? n.phoneNumber === wanted
        : input.areaCode
          ? n.phoneNumber.startsWith(`+1${input.areaCode}`)
          : true,
    );
    const available = this.availableNumbers[index];
    if (!available)
      throw twilioErrors.numberNotAvailable(input.phoneNumber ?? input.areaCode ?? '');
    this.availableNumbers.splice(index, 1);
    const created = new Date(this.now());
    const number: TwilioNumberState = {
      sid: newSid('PN'),
      accountSid: account.sid,
      phoneNumber: available.phoneNumber,
      friendlyName:
        input.friendlyName ??
        parsePhone(available.phoneNumber)?.nationalFormat ??
        available.phoneNumber,
      kind: available.kind,
      locality: available.locality,
      region: available.region,
      postalCode: available.postalCode,
      smsUrl: input.smsUrl ?? null,
      smsMethod: input.smsMethod === 'GET' ? 'GET' : 'POST',
      smsFallbackUrl: input.smsFallbackUrl || null,
      statusCallback: input.statusCallback ?? null,
      messagingServiceSid: null,
      dateCreated: created,
      dateUpdated: created,
    };
    this.numbers.set(number.sid, number);
    return number;
  }

  updateNumber(
    number: TwilioNumberState,
    input: {
      smsUrl?: string;
      smsMethod?: string;
      smsFallbackUrl?: string;
      statusCallback?: string;
      friendlyName?: string;
    },
  ): TwilioNumberState {
    if (input.smsUrl !== undefined) number.smsUrl = input.smsUrl || null;
    if (input.smsFallbackUrl !== undefined) number.smsFallbackUrl = input.smsFallbackUrl || null;
    if (input.smsMethod !== undefined)
      number.smsMethod = input.smsMethod === 'GET' ? 'GET' : 'POST';
    if (input.statusCallback !== undefined) number.statusCallback = input.statusCallback || null;
    if (input.friendlyName !== undefined) number.friendlyName = input.friendlyName;
    number.dateUpdated = new Date(this.now());
    return number;
  }

  /** Messaging v1 UpdateService: only the fields the product sets (webhooks, sticky sender). */
  updateService(
    service: TwilioServiceState,
    input: {
      friendlyName?: string;
      inboundRequestUrl?: string;
      fallbackUrl?: string;
      statusCallback?: string;
      stickySender?: boolean;
      useInboundWebhookOnNumber?: boolean;
    },
  ): TwilioServiceState {
    if (input.fallbackUrl !== undefined) service.fallbackUrl = input.fallbackUrl || null;
    if (input.friendlyName !== undefined) service.friendlyName = input.friendlyName;
    if (input.inboundRequestUrl !== undefined)
      service.inboundRequestUrl = input.inboundRequestUrl || null;
    if (input.statusCallback !== undefined) service.statusCallback = input.statusCallback || null;
    if (input.stickySender !== undefined) service.stickySender = input.stickySender;
    if (input.useInboundWebhookOnNumber !== undefined)
      service.useInboundWebhookOnNumber = input.useInboundWebhookOnNumber;
    service.dateUpdated = new Date(this.now());
    return service;
  }

  /** The texts a phone sent to and received from sandbox numbers, oldest first. */
  conversationOf(phone: string): TwilioMessageState[] {
    const e164 = parsePhone(phone)?.e164 ?? phone;
    return this.messages.filter((m) =>
      m.direction === 'inbound' ? m.from === e164 : m.to === e164,
    );
  }

  /** Waits until every status callback and webhook started so far has been delivered. */
  whenIdle(): Promise<void> {
    return this.webhooks.whenIdle();
  }
}

/** The MIME type Twilio reports for a picture (MediaContentType{N}, a media resource's content_type). */
export function contentTypeOf(url: string): string {
  const path = url.split('?')[0]?.toLowerCase() ?? '';
  if (path.endsWith('.png')) return 'image/png';
  if (path.endsWith('.gif')) return 'image/gif';
  if (path.endsWith('.jpg') || path.endsWith('.jpeg')) return 'image/jpeg';
  if (path.endsWith('.mp4')) return 'video/mp4';
  if (path.endsWith('.pdf')) return 'application/pdf';
  return 'image/jpeg';
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
