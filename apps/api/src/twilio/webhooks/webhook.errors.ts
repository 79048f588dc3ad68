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
