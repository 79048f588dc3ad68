/**
 * An answer the Twilio stand-in gives as an error, in Twilio's JSON shape
 * (`code`, `message`, `more_info`, `status`).
 */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }

  toJSON(): { code: number; message: string; more_info: string; status: number } {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

/** The errors Twilio answers the product's requests with, worded as Twilio words them. */
export const twilioErrors = {
  authenticate: () => new TwilioApiError(401, 20003, 'Authenticate'),
  notFound: (path: string) =>
    new TwilioApiError(404, 20404, `The requested resource ${path} was not found`),
  invalidTo: (to: string) =>
    new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
  notMobile: (to: string) =>
    new TwilioApiError(400, 21614, `'To' number ${to} is not a valid mobile number`),
  unsubscribed: () => new TwilioApiError(400, 21610, 'Attempt to send to unsubscribed recipient'),
  missingBody: () => new TwilioApiError(400, 21602, 'Message body is required.'),
  bodyTooLong: () =>
    new TwilioApiError(
      400,
      21617,
      'The concatenated message body exceeds the 1600 character limit.',
    ),
  tooManyMedia: () =>
    new TwilioApiError(400, 21623, 'Number of media files exceeds allowed limit of 10'),
  missingFrom: () =>
    new TwilioApiError(
      400,
      21603,
      "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",
    ),
  fromNotOwned: (from: string) =>
    new TwilioApiError(
      400,
      21606,
      `The 'From' phone number provided (${from}) is not a valid message-capable Twilio phone number for this destination/account.`,
    ),
  serviceNotFound: (sid: string) =>
    new TwilioApiError(404, 21701, `The Messaging Service Sid ${sid} is invalid.`),
  regionNotEnabled: (to: string) =>
    new TwilioApiError(
      400,
      21408,
      `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`,
    ),
  numberNotAvailable: (n: string) =>
    new TwilioApiError(400, 21422, `Phone Number ${n} is not available.`),
  invalidParameter: (name: string, value: string) =>
    new TwilioApiError(400, 21200, `Invalid parameter ${name}: ${value}`),
  tooManyRequests: () => new TwilioApiError(429, 20429, 'Too Many Requests'),
  internal: (status: number) =>
    new TwilioApiError(
      status,
      status === 503 ? 20503 : 20500,
      status === 503 ? 'Service Unavailable' : 'Internal Server Error',
    ),
};
