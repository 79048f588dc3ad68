/** What it takes to call Twilio for one account. Secrets: never log or return them. */
export interface TwilioCredentials {
  accountSid: string;
  /** Signs inbound webhooks; also authenticates API calls when no API key is given. */
  authToken: string;
  apiKeySid: string | null;
  apiKeySecret: string | null;
}

export class TwilioNotConnectedError extends Error {
  constructor(readonly accountId: string) {
    super('Twilio is not connected for this account. Connect Twilio in Settings.');
    this.name = 'TwilioNotConnectedError';
  }
}
