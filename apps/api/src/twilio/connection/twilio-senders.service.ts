import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { DomainError, InvalidInputError, NotFoundError } from '../../errors/domain-error';
import {
  type InboundWebhookTarget,
  InvalidNumberError,
  type MessagingService,
  PermanentSendError,
  type SenderNumber,
  type SmsGateway,
  SmsCredentialsRejectedError,
  SmsGatewayError,
} from '../../ports/sms-gateway.port';
import { type Sender, senderKey } from '@sms-seq/engine';
import type { TwilioCredentials } from './twilio-credentials';
import { reachesSmsHandler, twilioWebhookUrls } from '../twilio-webhook-urls';
import { TwilioSenderDirectory } from './twilio-sender-directory';
import type {
  AvailableNumber,
  FetchedBack,
  MessagingServiceView,
  PhoneNumberView,
  PointedMessagingService,
  PointedPhoneNumber,
  SenderTool,
  Senders,
} from './twilio-connection.dto';

export type { MessagingServiceView, PhoneNumberView };
import {
  SMS_GATEWAY_FACTORY,
  type SmsGatewayFactory,
  TwilioConnectionService,
} from './twilio-connection.service';

/** Which credential Twilio refused, so the message says what to fix. */
export type RejectedTwilioCredential = 'auth_token' | 'api_key';

export class TwilioCredentialsRejectedError extends DomainError {
  readonly status = 400;
  readonly code = 'twilio_credentials_rejected';
  constructor(readonly rejected: RejectedTwilioCredential = 'auth_token') {
    super(
      rejected === 'api_key'
        ? 'Twilio did not accept this API key: check the API key SID (SK…) and its secret (shown once when the key was created in the Twilio Console), and try again.'
        : 'Twilio did not accept this Account SID and Auth Token. Copy both again from the Twilio Console (Account info) and try again. The Auth Token is needed even with an API key: it checks that texts reaching this app really come from Twilio.',
      { rejected: rejected === 'api_key' ? ['apiKeySid', 'apiKeySecret'] : ['authToken'] },
    );
  }
}

/**
 * Twilio refused the saved credentials on a call the app made with them: they were changed or
 * revoked in Twilio since they were saved (the connection is marked rejected, see the session).
 */
export class SavedTwilioCredentialsRejectedError extends DomainError {
  readonly status = 409;
  readonly code = 'twilio_credentials_rejected';
  constructor() {
    super(
      'Twilio rejected the saved credentials: they were changed or revoked in Twilio. Enter the current ones under Connections, Twilio, "Change credentials".',
    );
  }
}

/** Twilio's "not found" (20404): the number or service is not on the connected account. */
const TWILIO_NOT_FOUND = 20404;

/**
 * The sender is not on the connected Twilio account: released, never there, or another Twilio
 * account's (the list is the connected account's, so another Keap app's senders are never found).
 */
export class TwilioSenderNotFoundError extends DomainError {
  readonly status = 404;
  readonly code: 'twilio_number_not_found' | 'twilio_service_not_found';
  constructor(kind: 'number' | 'service', sid: string) {
    super(
      kind === 'number'
        ? `Twilio has no phone number ${sid} on the connected Twilio account: it may have been released, or belong to another Twilio account. Reload Connections to see the account's numbers.`
        : `Twilio has no messaging service ${sid} on the connected Twilio account: it may have been deleted, or belong to another Twilio account. Reload Connections to see the account's messaging services.`,
    );
    this.code = kind === 'number' ? 'twilio_number_not_found' : 'twilio_service_not_found';
  }
}

/** The published tools of an account, by the routing key of their sender (Tool.liveSenderKey). */
export type ToolsBySender = Map<string, SenderTool[]>;

/**
 * Which published tools use each sender of an account. The tools feature answers it (it owns the
 * tools and imports this one, so it registers the answer: see ToolsModule).
 */
export type SenderUsage = (accountId: string) => Promise<ToolsBySender>;

export class TwilioUnavailableError extends DomainError {
  readonly status = 502;
  readonly code = 'twilio_unavailable';
  constructor(twilioSaid: string) {
    // Twilio's or the network's own words are for support, not for the marketer.
    super('Twilio could not do that just now. Try again in a minute.', { twilioSaid });
  }
}

/** Why Twilio refuses to sell a number, in words a marketer can act on, by Twilio's error code. */
const PURCHASE_REFUSALS: Record<number, string> = {
  21422: 'that number is no longer available. Pick another number.',
  21421: 'that is not a valid phone number. Pick a number from the list of available numbers.',
  21452: 'it has no numbers left in that area code. Search another area code.',
};

/**
 * Twilio answered a purchase with a refusal (a 4xx with its error code: the number was sold
 * meanwhile, is invalid, …). Nothing was bought and trying again will not help: it is not an
 * outage (TwilioUnavailableError), so it says Twilio's reason and what to do instead.
 */
export class TwilioPurchaseRefusedError extends DomainError {
  readonly status = 409;
  readonly code = 'twilio_refused';
  constructor(phoneNumber: string, providerCode: number | undefined, twilioMessage: string) {
    const reason =
      (providerCode !== undefined ? PURCHASE_REFUSALS[providerCode] : undefined) ??
      `${twilioMessage.replace(/\.$/, '')}${providerCode !== undefined ? ` (Twilio error ${providerCode})` : ''}. Pick another number, or check the Twilio account in the Twilio Console.`;
    super(`Twilio would not sell ${phoneNumber}: ${reason}`, {
      phoneNumber,
      twilioCode: providerCode ?? null,
    });
  }
}

/** A sender "Point it back" turned from another URL to this app, whose texts went there meanwhile. */
export interface RepointedSender {
  /** The routing key its texts are stored under (as Tool.liveSenderKey spells it). */
  senderKey: string;
  /**
   * Whether every text to it since the last one stored under senderKey went elsewhere, so the
   * fetch starts there. Not so for a messaging service that deferred to its numbers' webhooks:
   * some of them may have pointed here meanwhile.
   */
  fromLastStored: boolean;
  /** The numbers the texts were sent to: the number, or the messaging service's pool. */
  phoneNumbers: string[];
}

/**
 * Fetches back from Twilio the texts a repointed sender received elsewhere and stores them as the
 * webhook would have; how many were stored. Throws when Twilio cannot list them.
 */
export type RepointedTextsFetcher = (
  accountId: string,
  gateway: SmsGateway,
  sender: RepointedSender,
) => Promise<number>;

const NOTHING_FETCHED: FetchedBack = { fetchedBack: 0, fetchBackFailed: false };

/** "Connect Twilio", the senders list, buying numbers and pointing them at this app. */
@Injectable()
export class TwilioSendersService {
  private readonly logger = new Logger('TwilioSendersService');
  private fetcher: RepointedTextsFetcher | null = null;
  private usage: SenderUsage | null = null;

  constructor(
    private readonly connections: TwilioConnectionService,
    private readonly directory: TwilioSenderDirectory,
    @Inject(SMS_GATEWAY_FACTORY) private readonly gatewayFactory: SmsGatewayFactory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** What says which published tools use each sender (the tools feature's registration). */
  usageFrom(usage: SenderUsage): void {
    this.usage = usage;
  }

  /**
   * What fetches back the texts a sender received while it pointed elsewhere (the runtime's
   * RefusedTextRecovery: the stored texts are its to answer).
   */
  fetchBackWith(fetcher: RepointedTextsFetcher): void {
    this.fetcher = fetcher;
  }

  webhookTarget(): InboundWebhookTarget {
    return twilioWebhookUrls(this.config.PUBLIC_URL);
  }

  /**
   * Whether texts sent to this inbound URL reach this app (with or without the connection
   * overrides: pointing the sender here again brings it up to date).
   */
  comesHere(inboundWebhookUrl: string | null): boolean {
    return reachesSmsHandler(inboundWebhookUrl, this.webhookTarget().smsUrl);
  }

  /**
   * Points here again the senders whose texts come here at an older URL (before the connection
   * overrides and fallback), so Twilio retries their failed deliveries too; how many. One update
   * per such sender, once.
   */
  async bringUpToDate(
    gateway: SmsGateway,
    numbers: SenderNumber[],
    services: MessagingService[],
  ): Promise<number> {
    const target = this.webhookTarget();
    const outdated = (url: string | null) => this.comesHere(url) && url !== target.smsUrl;
    let updated = 0;
    for (const n of numbers.filter((n) => outdated(n.inboundWebhookUrl))) {
      await gateway.connectInboundWebhook(n.id, target);
      updated += 1;
    }
    for (const s of services.filter((s) => outdated(s.inboundWebhookUrl))) {
      await gateway.connectMessagingService(s.id, target);
      updated += 1;
    }
    return updated;
  }

  /**
   * Checks the credentials with Twilio, then saves them sealed. Refused credentials are never
   * saved. The Auth Token is checked even when an API key is given: the key sends, but only the
   * Auth Token verifies the signature of every inbound webhook, so a wrong one would refuse every
   * text the contacts send.
   */
  async connect(accountId: string, credentials: TwilioCredentials): Promise<void> {
    await this.verify({ ...credentials, apiKeySid: null, apiKeySecret: null }, 'auth_token');
    if (credentials.apiKeySid && credentials.apiKeySecret)
      await this.verify(credentials, 'api_key');
    const owner = await this.connections.accountIdForAccountSid(credentials.accountSid);
    if (owner && owner !== accountId) {
      throw new InvalidInputError(
        'This Twilio account is already connected to another Keap app. Connect a different Twilio account, or disconnect it from the other Keap app first.',
      );
    }
    await this.connections.save(accountId, credentials);
  }

  private async verify(
    credentials: TwilioCredentials,
    checking: RejectedTwilioCredential,
  ): Promise<void> {
    const gateway = this.gatewayFactory(credentials);
    try {
      const account = await gateway.verifyCredentials();
      if (account.id !== credentials.accountSid) throw new TwilioCredentialsRejectedError(checking);
    } catch (err) {
      if (
        err instanceof SmsCredentialsRejectedError ||
        err instanceof TwilioCredentialsRejectedError
      ) {
        throw new TwilioCredentialsRejectedError(checking);
      }
      throw this.wrap(err);
    }
  }

  async list(accountId: string): Promise<Senders> {
    const gateway = await this.connections.gatewayFor(accountId);
    try {
      const [numbers, services, tools] = await Promise.all([
        gateway.listNumbers(),
        gateway.listMessagingServices(),
        this.publishedToolsBySender(accountId),
      ]);
      return {
        phoneNumbers: numbers.map((n) => this.numberView(n, tools)),
        messagingServices: services.map((s) => this.serviceView(s, tools, numbers)),
      };
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async availableNumbers(
    accountId: string,
    search: { country: string; areaCode?: string; type: 'local' | 'toll_free' },
  ): Promise<AvailableNumber[]> {
    const gateway = await this.connections.gatewayFor(accountId);
    try {
      const found = await gateway.searchAvailableNumbers({
        country: search.country,
        kind: search.type === 'toll_free' ? 'toll-free' : 'local',
        ...(search.areaCode ? { areaCode: search.areaCode } : {}),
        limit: 20,
      });
      return found.map((n) => ({
        phoneNumber: n.phoneNumber,
        locality: n.locality,
        region: n.region,
      }));
    } catch (err) {
      throw this.wrap(err);
    }
  }

  /** Buys the number with its inbound webhook already pointing at this app. */
  async buy(accountId: string, phoneNumber: string): Promise<PhoneNumberView> {
    const gateway = await this.connections.gatewayFor(accountId);
    try {
      const bought = await gateway.buyNumber(phoneNumber, this.webhookTarget());
      this.directory.forget(accountId);
      return this.numberView(bought, await this.publishedToolsBySender(accountId));
    } catch (err) {
      // Twilio's "invalid number" on a purchase is about the number being bought, not a recipient.
      if (err instanceof PermanentSendError || err instanceof InvalidNumberError)
        throw new TwilioPurchaseRefusedError(phoneNumber, err.providerCode, err.message);
      throw this.wrap(err);
    }
  }

  /**
   * Whether the sender is in the account's connected Twilio account, as Twilio lists it now (a
   * tool is published only with its own account's sender: texts to it reach that account alone).
   */
  async owns(accountId: string, sender: Sender): Promise<boolean> {
    const gateway = await this.connections.gatewayFor(accountId);
    try {
      return sender.kind === 'phone_number'
        ? (await gateway.listNumbers()).some((n) => n.phoneNumber === sender.phoneNumber)
        : (await gateway.listMessagingServices()).some((s) => s.id === sender.messagingServiceSid);
    } catch (err) {
      throw this.wrap(err);
    }
  }

  /** Points the account's number's inbound SMS webhook at this app (when a tool using it is published). */
  async pointNumberAtApp(accountId: string, phoneNumber: string): Promise<PhoneNumberView> {
    const gateway = await this.connections.gatewayFor(accountId);
    const number = (await gateway.listNumbers()).find((n) => n.phoneNumber === phoneNumber);
    if (!number)
      throw new NotFoundError(
        `The number ${phoneNumber} on your Twilio account`,
        'twilio_number_not_found',
      );
    return this.numberView(
      await this.pointAtApp(gateway, number),
      await this.publishedToolsBySender(accountId),
    );
  }

  /** Points the account's messaging service's inbound requests at this app (when a tool using it is published). */
  async pointServiceAtApp(accountId: string, serviceSid: string): Promise<MessagingServiceView> {
    const gateway = await this.connections.gatewayFor(accountId);
    const service = (await gateway.listMessagingServices()).find((s) => s.id === serviceSid);
    if (!service)
      throw new NotFoundError(
        `The messaging service ${serviceSid} on your Twilio account`,
        'twilio_service_not_found',
      );
    return this.serviceView(
      await this.pointServiceAt(gateway, service),
      await this.publishedToolsBySender(accountId),
    );
  }

  /**
   * "Point it back": the number's inbound webhook was changed in Twilio (its console, another
   * app) and a tool needs its texts. Only the connected account's numbers are found, so another
   * account's SID is 404 and nothing of it is changed. The texts Twilio sent elsewhere meanwhile
   * are fetched back (fetchRepointed).
   */
  async pointNumberHere(accountId: string, sid: string): Promise<PointedPhoneNumber> {
    const gateway = await this.connections.gatewayFor(accountId);
    let view: PhoneNumberView;
    let wentElsewhere: RepointedSender | null;
    try {
      const number = (await gateway.listNumbers()).find((n) => n.id === sid);
      if (!number) throw new TwilioSenderNotFoundError('number', sid);
      const pointed = await this.pointAtApp(gateway, number);
      view = this.numberView(pointed, await this.publishedToolsBySender(accountId));
      wentElsewhere = this.comesHere(number.inboundWebhookUrl)
        ? null
        : {
            senderKey: senderKey({ kind: 'phone_number', phoneNumber: number.phoneNumber }),
            fromLastStored: true,
            phoneNumbers: [number.phoneNumber],
          };
    } catch (err) {
      throw this.wrap(err, () => new TwilioSenderNotFoundError('number', sid));
    }
    return { ...view, ...(await this.fetchRepointed(accountId, gateway, wentElsewhere)) };
  }

  /** "Point it back" for a messaging service: its inbound request URL (see pointNumberHere). */
  async pointServiceHere(accountId: string, sid: string): Promise<PointedMessagingService> {
    const gateway = await this.connections.gatewayFor(accountId);
    let view: MessagingServiceView;
    let wentElsewhere: RepointedSender | null;
    try {
      const service = (await gateway.listMessagingServices()).find((s) => s.id === sid);
      if (!service) throw new TwilioSenderNotFoundError('service', sid);
      const pointed = await this.pointServiceAt(gateway, service);
      view = this.serviceView(pointed, await this.publishedToolsBySender(accountId));
      // A service without its own URL used its numbers' webhooks: the texts of those that pointed
      // here came (fetched again, they are skipped), the others' went elsewhere.
      wentElsewhere = this.comesHere(service.inboundWebhookUrl)
        ? null
        : {
            senderKey: senderKey({ kind: 'messaging_service', messagingServiceSid: service.id }),
            fromLastStored: service.inboundWebhookUrl !== null,
            phoneNumbers: service.phoneNumbers,
          };
    } catch (err) {
      throw this.wrap(err, () => new TwilioSenderNotFoundError('service', sid));
    }
    return { ...view, ...(await this.fetchRepointed(accountId, gateway, wentElsewhere)) };
  }

  /**
   * The texts a sender received while it pointed elsewhere, fetched back now that it points here
   * (the runtime answers them). Never fails the point-here, which is done: a failure is logged
   * and answered as fetchBackFailed.
   */
  private async fetchRepointed(
    accountId: string,
    gateway: SmsGateway,
    sender: RepointedSender | null,
  ): Promise<FetchedBack> {
    if (!sender || !this.fetcher) return NOTHING_FETCHED;
    try {
      const fetchedBack = await this.fetcher(accountId, gateway, sender);
      this.logger.log(
        `account ${accountId}: ${fetchedBack} text(s) to ${sender.senderKey} sent elsewhere while it pointed away fetched back from Twilio`,
      );
      return { fetchedBack, fetchBackFailed: false };
    } catch (err) {
      this.logger.warn(
        `account ${accountId}: ${sender.senderKey} points here again, but the texts it received while it pointed elsewhere could not be fetched back from Twilio: ${err instanceof Error ? err.message : String(err)}`,
      );
      return { fetchedBack: 0, fetchBackFailed: true };
    }
  }

  /** The number with its webhook and status callback at this app (Twilio is asked only if one is not). */
  private async pointAtApp(gateway: SmsGateway, number: SenderNumber): Promise<SenderNumber> {
    const target = this.webhookTarget();
    if (
      number.inboundWebhookUrl === target.smsUrl &&
      number.statusCallbackUrl === (target.statusCallbackUrl ?? null)
    ) {
      return number;
    }
    return gateway.connectInboundWebhook(number.id, target);
  }

  private async pointServiceAt(
    gateway: SmsGateway,
    service: MessagingService,
  ): Promise<MessagingService> {
    const target = this.webhookTarget();
    return service.inboundWebhookUrl === target.smsUrl
      ? service
      : gateway.connectMessagingService(service.id, target);
  }

  private publishedToolsBySender(accountId: string): Promise<ToolsBySender> {
    if (!this.usage)
      throw new Error('No sender usage registered: the tools feature is not composed');
    return this.usage(accountId);
  }

  /**
   * `numbers`: the account's numbers, for a service that defers to its numbers' own webhooks (no
   * inbound request URL): its texts come here when every number of its pool points here.
   */
  private serviceView(
    s: MessagingService,
    tools: ToolsBySender,
    numbers: SenderNumber[] = [],
  ): MessagingServiceView {
    const connected =
      s.inboundWebhookUrl !== null
        ? this.comesHere(s.inboundWebhookUrl)
        : s.phoneNumbers.length > 0 &&
          s.phoneNumbers.every((phone) =>
            this.comesHere(numbers.find((n) => n.phoneNumber === phone)?.inboundWebhookUrl ?? null),
          );
    const usedBy =
      tools.get(senderKey({ kind: 'messaging_service', messagingServiceSid: s.id })) ?? [];
    return {
      sid: s.id,
      friendlyName: s.friendlyName,
      stickySender: s.stickySender,
      phoneNumbers: s.phoneNumbers,
      smsUrl: s.inboundWebhookUrl,
      connected,
      usedBy,
      broken: usedBy.length > 0 && !connected,
    };
  }

  private numberView(n: SenderNumber, tools: ToolsBySender): PhoneNumberView {
    const connected = this.comesHere(n.inboundWebhookUrl);
    const usedBy = tools.get(senderKey({ kind: 'phone_number', phoneNumber: n.phoneNumber })) ?? [];
    return {
      sid: n.id,
      phoneNumber: n.phoneNumber,
      friendlyName: n.friendlyName,
      smsUrl: n.inboundWebhookUrl,
      connected,
      usedBy,
      broken: usedBy.length > 0 && !connected,
    };
  }

  /** `notFound`: what Twilio's "not found" means for this call (the sender went away meanwhile). */
  private wrap(err: unknown, notFound?: () => DomainError): Error {
    if (err instanceof DomainError) return err;
    if (notFound && err instanceof PermanentSendError && err.providerCode === TWILIO_NOT_FOUND)
      return notFound();
    if (err instanceof SmsCredentialsRejectedError)
      return new SavedTwilioCredentialsRejectedError();
    if (err instanceof SmsGatewayError) return new TwilioUnavailableError(err.message);
    return err as Error;
  }
}
