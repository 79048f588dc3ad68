export { TwilioSmsGateway, IDEMPOTENCY_KEY_PARAM } from './twilio-sms-gateway';
export { TwilioClientCache } from './twilio-client-cache';
export type { TwilioCredentials, TwilioGatewayOptions } from './twilio-sms-gateway';
export { TwilioAuthError } from './twilio-auth.error';
export { isValidTwilioSignature, publicRequestUrl } from './twilio-signature';
export { deliveryFailureReason, parseTwilioStatusCallback } from './twilio-delivery-status';
export { toGatewayError } from './twilio-error-map';
export { TwilioBaseUrlRequestClient, rewriteTwilioUrl } from './twilio-http-client';
