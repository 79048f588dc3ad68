import type { Sender } from '@sms-seq/engine';

/**
 * What the runtime needs from an SMS provider, in the product's words. The Twilio adapter
 * (apps/api/src/twilio) implements it; the runtime never sees a vendor type.
 */

/** Who a message is sent from: one of the account's numbers, or a messaging service (which picks one). */
export type { Sender } from '@sms-seq/engine';

export interface OutgoingMessage {
  /** E.164 recipient. */
  to: string;
  sender: Sender;
  body: string;
  /** Public URLs of pictures to send as MMS (at most 10). */
  mediaUrls?: string[];
  /** Where the provider reports delivery (queued → sent → delivered, or a failure). */
  statusCallbackUrl?: string;
  /**
   * The caller's key for this one send (e.g. the outbox message id). The provider has no
   * idempotent create, so the adapter carries it into the status callback URL: a delivery report
   * can always be matched to its message even when the process died before storing the provider
   * id. Callers still must not re-send a message whose send may have reached the provider
   * (SendOutcomeUnknownError) without asking `findSent` first.
   */
  idempotencyKey: string;
}

export type MessageStatus =
  | 'accepted'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'received'
  | 'unknown';

export interface SentMessage {
  providerMessageId: string;
  status: MessageStatus;
}

/** Why a text could not be sent or delivered; what the runtime acts on (tags, ending, retrying). */
export type SmsFailureReason =
  | 'invalid-number'
  | 'not-mobile'
  | 'unsubscribed'
  | 'unreachable'
  | 'filtered'
  | 'rate-limited'
  | 'transient'
  | 'permanent';

export type LineType = 'mobile' | 'landline' | 'voip' | 'toll-free' | 'other' | 'invalid';

export interface LineTypeCheck {
  /** E.164 form when the number is valid. */
  phoneNumber: string | null;
  lineType: LineType;
  /** True only for numbers a text can reach as the product expects (mobile). */
  isMobile: boolean;
}

export interface SenderNumber {
  id: string;
  phoneNumber: string;
  friendlyName: string;
  inboundWebhookUrl: string | null;
  statusCallbackUrl: string | null;
  capabilities: { sms: boolean; mms: boolean };
}

export interface MessagingService {
  id: string;
  friendlyName: string;
  stickySender: boolean;
  inboundWebhookUrl: string | null;
  /** Numbers in the service's sender pool. */
  phoneNumbers: string[];
}

export interface AvailableNumberSearch {
  /** ISO country, e.g. US. */
  country: string;
  kind: 'local' | 'toll-free';
  areaCode?: string;
  contains?: string;
  limit?: number;
}

export interface AvailableNumber {
  phoneNumber: string;
  friendlyName: string;
  locality: string | null;
  region: string | null;
}

export interface InboundWebhookTarget {
  /** Where inbound texts are POSTed. */
  smsUrl: string;
  /** Where they are POSTed when every try at smsUrl failed. */
  smsFallbackUrl?: string;
  statusCallbackUrl?: string;
}

export interface ProviderAccount {
  id: string;
  friendlyName: string;
  status: string;
}

/** A text a contact sent to one of the account's numbers, as the provider keeps it. */
export interface ReceivedText {
  providerMessageId: string;
  /** E.164 of the contact. */
  from: string;
  /** The account's number it reached. */
  to: string;
  body: string;
  /** The messaging service whose pool the number is in, if any. */
  messagingServiceId: string | null;
  mediaUrls: string[];
  receivedAt: Date;
}

/** What identifies a text at the provider when its send's answer never came back. */
export type SentMessageQuery = Pick<OutgoingMessage, 'to' | 'sender' | 'body'>;

export interface SmsGateway {
  /** Checks the credentials ("Connect Twilio"); rejects with a credentials error when refused. */
  verifyCredentials(): Promise<ProviderAccount>;
  send(message: OutgoingMessage): Promise<SentMessage>;
  /**
   * After a send ended in SendOutcomeUnknownError: the messages the provider holds to this
   * recipient from this sender with this body, created since `since` (our clock: the caller's
   * claim of the send), oldest first. Empty: the provider never took it, so it may be sent again.
   */
  findSent(message: SentMessageQuery, since: Date): Promise<SentMessage[]>;
  /**
   * The texts contacts sent to this number of the account since `since` (our clock), oldest
   * first: to fetch back texts whose webhook this app refused (they are not delivered again).
   */
  listReceived(to: string, since: Date): Promise<ReceivedText[]>;
  checkLineType(phoneNumber: string): Promise<LineTypeCheck>;
  listNumbers(): Promise<SenderNumber[]>;
  listMessagingServices(): Promise<MessagingService[]>;
  searchAvailableNumbers(search: AvailableNumberSearch): Promise<AvailableNumber[]>;
  buyNumber(phoneNumber: string, webhook?: InboundWebhookTarget): Promise<SenderNumber>;
  /** Points a number's inbound SMS webhook (POST) and status callback at this app. */
  connectInboundWebhook(numberId: string, webhook: InboundWebhookTarget): Promise<SenderNumber>;
  /**
   * Points a messaging service's inbound requests (POST) and status callback at this app, for every
   * number in its pool (the numbers' own webhooks are then not used).
   */
  connectMessagingService(
    serviceId: string,
    webhook: InboundWebhookTarget,
  ): Promise<MessagingService>;
}

/** Base of every failure the gateway reports; `retryable` tells the queue whether to try again. */
export abstract class SmsGatewayError extends Error {
  abstract readonly reason: SmsFailureReason;
  abstract readonly retryable: boolean;
  constructor(
    message: string,
    /** The provider's own error code, for logs and support. */
    readonly providerCode?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The recipient is not a phone number at all (unparseable, or the provider says invalid). */
export class InvalidNumberError extends SmsGatewayError {
  readonly reason = 'invalid-number' as const;
  readonly retryable = false;
}

/** A real number that cannot receive texts (landline). */
export class NotMobileError extends SmsGatewayError {
  readonly reason = 'not-mobile' as const;
  readonly retryable = false;
}

/** The recipient texted STOP to this sender; nothing may be sent until they opt back in. */
export class RecipientUnsubscribedError extends SmsGatewayError {
  readonly reason = 'unsubscribed' as const;
  readonly retryable = false;
}

/** Too many requests: retry later, slower. */
export class RateLimitedError extends SmsGatewayError {
  readonly reason = 'rate-limited' as const;
  readonly retryable = true;
  constructor(
    message: string,
    providerCode?: number,
    /** How long the provider asked us to wait, when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message, providerCode);
  }
}

/** The provider failed or could not be reached, and did not take the message: retry with backoff. */
export class TransientSendError extends SmsGatewayError {
  readonly reason = 'transient' as const;
  readonly retryable = true;
}

/**
 * The request may have reached the provider and no answer came back (a timeout, a connection reset
 * after the request went out): the message may or may not exist there. Retryable, but a send must
 * not simply be repeated: look it up first (`SmsGateway.findSent`).
 */
export class SendOutcomeUnknownError extends SmsGatewayError {
  readonly reason = 'transient' as const;
  readonly retryable = true;
}

/** The provider refused the request for a reason retrying cannot fix (e.g. region not enabled). */
export class PermanentSendError extends SmsGatewayError {
  readonly reason = 'permanent' as const;
  readonly retryable = false;
}

/** The provider refused the account's credentials (wrong, or revoked since connecting). */
export class SmsCredentialsRejectedError extends SmsGatewayError {
  readonly reason = 'permanent' as const;
  readonly retryable = false;
}

/** A delivery report for a message sent earlier, in the product's words. */
export interface DeliveryReport {
  providerMessageId: string;
  status: MessageStatus;
  /** Set when the message failed or was undelivered. */
  failure: { reason: SmsFailureReason; providerCode: number | null } | null;
  from: string | null;
  to: string | null;
}
