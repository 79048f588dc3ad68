import { DomainError } from '../../errors/domain-error';

/** What it takes to call Twilio for one account. Secrets: never log or return them. */
export interface TwilioCredentials {
  accountSid: string;
  /** Signs inbound webhooks; also authenticates API calls when no API key is given. */
  authToken: string;
  apiKeySid: string | null;
  apiKeySecret: string | null;
}

export class TwilioNotConnectedError extends DomainError {
  readonly status = 409;
  readonly code = 'twilio_not_connected';
  constructor(readonly accountId: string) {
    super('Twilio is not connected for this account. Connect Twilio under Connections.');
  }
}
