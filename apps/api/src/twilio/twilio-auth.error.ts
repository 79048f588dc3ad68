import { SmsCredentialsRejectedError } from '../ports/sms-gateway.port';

/** Twilio answered 401: the account SID / auth token (or API key) is wrong or was revoked. */
export class TwilioAuthError extends SmsCredentialsRejectedError {
  constructor(providerCode?: number) {
    super(
      'Twilio refused these credentials: check the Account SID and Auth Token (or API key).',
      providerCode,
    );
  }
}
