import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { DomainError, InvalidInputError, NotFoundError } from '../errors/domain-error';
import {
  type InboundWebhookTarget,
  type MessagingService,
  type SenderNumber,
  SmsCredentialsRejectedError,
  SmsGatewayError,
} from '../sms/sms-gateway.port';
import type { TwilioCredentials } from './twilio-credentials';
import type {
  AvailableNumber,
  MessagingServiceView,
  PhoneNumberView,
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

export class TwilioUnavailableError extends DomainError {
  readonly status = 502;
  readonly code = 'twilio_unavailable';
  constructor(message: string) {
    super(`Twilio could not do that: ${message}`);
  }
}

/** "Connect Twilio", the senders list, buying numbers and pointing them at this app. */
@Injectable()
export class TwilioSendersService {
  constructor(
    private readonly connections: TwilioConnectionService,
    @Inject(SMS_GATEWAY_FACTORY) private readonly gatewayFactory: SmsGatewayFactory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  webhookTarget(): InboundWebhookTarget {
    const base = this.config.PUBLIC_URL.replace(/\/$/, '');
    return { smsUrl: `${base}/hooks/twilio/sms`, statusCallbackUrl: `${base}/hooks/twilio/status` };
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
      throw new InvalidInputError('This Twilio account is already connected to another Keap app.');
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
      const [numbers, services] = await Promise.all([
        gateway.listNumbers(),
        gateway.listMessagingServices(),
      ]);
      return {
        phoneNumbers: numbers.map((n) => this.numberView(n)),
        messagingServices: services.map((s) => this.serviceView(s)),
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
      return this.numberView(await gateway.buyNumber(phoneNumber, this.webhookTarget()));
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
    const target = this.webhookTarget();
    if (
      number.inboundWebhookUrl === target.smsUrl &&
      number.statusCallbackUrl === (target.statusCallbackUrl ?? null)
    ) {
      return this.numberView(number);
    }
    return this.numberView(await gateway.connectInboundWebhook(number.id, target));
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
    const target = this.webhookTarget();
    return this.serviceView(
      service.inboundWebhookUrl === target.smsUrl
        ? service
        : await gateway.connectMessagingService(service.id, target),
    );
  }

  private serviceView(s: MessagingService): MessagingServiceView {
    return {
      sid: s.id,
      friendlyName: s.friendlyName,
      stickySender: s.stickySender,
      phoneNumbers: s.phoneNumbers,
    };
  }

  private numberView(n: SenderNumber): PhoneNumberView {
    return {
      sid: n.id,
      phoneNumber: n.phoneNumber,
      friendlyName: n.friendlyName,
      smsUrl: n.inboundWebhookUrl,
      connected: n.inboundWebhookUrl === this.webhookTarget().smsUrl,
    };
  }

  private wrap(err: unknown): Error {
    if (err instanceof DomainError) return err;
    if (err instanceof SmsCredentialsRejectedError)
      return new SavedTwilioCredentialsRejectedError();
    if (err instanceof SmsGatewayError) return new TwilioUnavailableError(err.message);
    return err as Error;
  }
}
