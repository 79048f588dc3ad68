import { DomainError } from '../../errors/domain-error';

export class InvalidWebhookSignatureError extends DomainError {
  readonly status = 403;
  readonly code = 'invalid_signature';
  constructor() {
    super(
      'The request signature is missing or does not match; it did not come from the connected Twilio account.',
    );
  }
}

/** Twilio's AccountSid is AC and 32 hex digits; anything else is refused before any look-up. */
export class MalformedAccountSidError extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_account_sid';
  constructor() {
    super(
      'The webhook’s "AccountSid" is missing or is not a Twilio account SID (AC followed by 32 hex digits), so it was not accepted.',
    );
  }
}

/** A signed webhook with a field no Twilio webhook has (stored, it would fail an index). */
export class OversizedWebhookFieldError extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_webhook_field';
  constructor(field: string, max: number) {
    super(
      `The webhook’s "${field}" is longer than any Twilio webhook sends (at most ${max} characters), so it was not accepted.`,
    );
  }
}
