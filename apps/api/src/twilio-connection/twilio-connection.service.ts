import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { TwilioConnection } from '../accounts/twilio-connection.entity';
import { SecretBox } from '../crypto/secret-box';
import type { SmsGateway } from '../sms/sms-gateway.port';
import { type TwilioCredentials, TwilioNotConnectedError } from './twilio-credentials';

/** Builds an SmsGateway for one set of Twilio credentials (the Twilio adapter's constructor). */
export type SmsGatewayFactory = (credentials: TwilioCredentials) => SmsGateway;
export const SMS_GATEWAY_FACTORY = Symbol('SMS_GATEWAY_FACTORY');

/** The account's Twilio connection: sealed credentials in, gateways and webhook-signing tokens out. */
@Injectable()
export class TwilioConnectionService {
  constructor(
    @InjectRepository(TwilioConnection) private readonly connections: Repository<TwilioConnection>,
    private readonly box: SecretBox,
    @Inject(SMS_GATEWAY_FACTORY) private readonly gatewayFactory: SmsGatewayFactory,
  ) {}

  /** An SmsGateway that sends as the account; throws TwilioNotConnectedError when none is saved. */
  async gatewayFor(accountId: string): Promise<SmsGateway> {
    return this.gatewayFactory(await this.credentialsFor(accountId));
  }

  /** The Auth Token that signs webhooks for this Twilio account, or null if no account has it. */
  async authTokenForAccountSid(accountSid: string): Promise<string | null> {
    const c = await this.connections.findOne({ where: { accountSid } });
    return c ? this.box.open(c.authTokenSealed) : null;
  }

  /** The account id that connected this Twilio account SID, if any. */
  async accountIdForAccountSid(accountSid: string): Promise<string | null> {
    const c = await this.connections.findOne({ where: { accountSid } });
    return c?.accountId ?? null;
  }

  async credentialsFor(accountId: string): Promise<TwilioCredentials> {
    const c = await this.connections.findOne({ where: { accountId } });
    if (!c) throw new TwilioNotConnectedError(accountId);
    return {
      accountSid: c.accountSid,
      authToken: this.box.open(c.authTokenSealed),
      apiKeySid: c.apiKeySid,
      apiKeySecret: c.apiKeySecretSealed ? this.box.open(c.apiKeySecretSealed) : null,
    };
  }

  async connectionOf(accountId: string): Promise<TwilioConnection | null> {
    return this.connections.findOne({ where: { accountId } });
  }

  /** Saves (replaces) the account's credentials, sealed. Check them with Twilio first. */
  async save(accountId: string, credentials: TwilioCredentials): Promise<void> {
    await this.connections.save({
      accountId,
      accountSid: credentials.accountSid,
      authTokenSealed: this.box.seal(credentials.authToken),
      apiKeySid: credentials.apiKeySid,
      apiKeySecretSealed: credentials.apiKeySecret ? this.box.seal(credentials.apiKeySecret) : null,
    });
  }

  async remove(accountId: string): Promise<void> {
    await this.connections.delete({ accountId });
  }
}
