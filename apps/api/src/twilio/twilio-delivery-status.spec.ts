import twilio from 'twilio';
import {
  InvalidNumberError,
  NotMobileError,
  PermanentSendError,
  RateLimitedError,
  RecipientUnsubscribedError,
  TransientSendError,
} from '../ports/sms-gateway.port';
import { deliveryFailureReason, parseTwilioStatusCallback } from './twilio-delivery-status';
import { toGatewayError } from './twilio-error-map';
import { TwilioAuthError } from './twilio-auth.error';
import { rewriteTwilioUrl } from './twilio-http-client';

describe('delivery failure reasons from status callback error codes', () => {
  it.each([
    [30003, 'unreachable'],
    [30004, 'permanent'],
    [30005, 'invalid-number'],
    [30006, 'not-mobile'],
    [30007, 'filtered'],
    [30008, 'permanent'],
    [21610, 'unsubscribed'],
    [21614, 'not-mobile'],
    [21211, 'invalid-number'],
    [30001, 'rate-limited'],
    ['30006', 'not-mobile'],
    [undefined, 'permanent'],
  ] as const)('ErrorCode %s means %s', (code, reason) => {
    expect(deliveryFailureReason(code)).toBe(reason);
  });

  it('reads a failed status callback as a report with its failure', () => {
    const report = parseTwilioStatusCallback({
      MessageSid: 'SM1',
      MessageStatus: 'undelivered',
      ErrorCode: '30003',
      From: '+14155550100',
      To: '+14155550123',
    });
    expect(report).toEqual({
      providerMessageId: 'SM1',
      status: 'undelivered',
      failure: { reason: 'unreachable', providerCode: 30003 },
      from: '+14155550100',
      to: '+14155550123',
    });
  });

  it('reads a delivered callback as a report without failure, and an unknown status as unknown', () => {
    expect(parseTwilioStatusCallback({ SmsSid: 'SM2', SmsStatus: 'delivered' })).toEqual(
      expect.objectContaining({ providerMessageId: 'SM2', status: 'delivered', failure: null }),
    );
    expect(
      parseTwilioStatusCallback({ MessageSid: 'SM3', MessageStatus: 'teleported' }).status,
    ).toBe('unknown');
  });
});

describe('Twilio answers as domain errors', () => {
  const answer = (statusCode: number, code?: number) =>
    new twilio.RestException({ statusCode, body: code ? { code, message: `error ${code}` } : '' });

  it.each([
    [400, 21211, InvalidNumberError],
    [400, 21614, NotMobileError],
    [400, 21610, RecipientUnsubscribedError],
    [429, 20429, RateLimitedError],
    [500, 20500, TransientSendError],
    [503, undefined, TransientSendError],
    [400, 21408, PermanentSendError],
    [401, 20003, TwilioAuthError],
  ])('HTTP %s code %s is %p', (status, code, type) => {
    expect(toGatewayError(answer(status, code))).toBeInstanceOf(type);
  });
});

describe('the API base URL', () => {
  it('rewrites every Twilio host to the configured base URL and leaves them alone when unset', () => {
    const base = 'http://127.0.0.1:4010';
    expect(rewriteTwilioUrl('https://api.twilio.com/2010-04-01/Accounts/AC1.json', base)).toBe(
      `${base}/2010-04-01/Accounts/AC1.json`,
    );
    expect(rewriteTwilioUrl('https://messaging.twilio.com/v1/Services?PageSize=50', base)).toBe(
      `${base}/v1/Services?PageSize=50`,
    );
    expect(rewriteTwilioUrl('https://lookups.twilio.com/v2/PhoneNumbers/%2B1415', base)).toBe(
      `${base}/v2/PhoneNumbers/%2B1415`,
    );
    expect(rewriteTwilioUrl('https://api.twilio.com/x', undefined)).toBe(
      'https://api.twilio.com/x',
    );
    expect(rewriteTwilioUrl('https://evil.example.com/?u=https://api.twilio.com', base)).toBe(
      'https://evil.example.com/?u=https://api.twilio.com',
    );
  });
});
