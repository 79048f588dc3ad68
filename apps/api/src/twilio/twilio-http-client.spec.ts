import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { effectiveApiBaseUrl, TwilioBaseUrlRequestClient } from './twilio-http-client';

const CALLS = [
  'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
  'https://messaging.twilio.com/v1/Services?PageSize=50',
  'https://lookups.twilio.com/v2/PhoneNumbers/%2B14155550123',
];

/** The URIs the SDK's own HTTP client is asked for, when our client is given `apiBaseUrl`. */
async function urisSentWith(apiBaseUrl: string | undefined): Promise<string[]> {
  const sent: string[] = [];
  const spy = jest
    .spyOn(twilio.RequestClient.prototype, 'request')
    .mockImplementation(async (opts: RequestClient.RequestOptions) => {
      sent.push(opts.uri);
      return { statusCode: 200, body: '{}', headers: {} } as never;
    });
  try {
    const client = new TwilioBaseUrlRequestClient({ apiBaseUrl });
    for (const uri of CALLS) await client.request({ method: 'get', uri });
  } finally {
    spy.mockRestore();
  }
  return sent;
}

describe('the Twilio API base URL (TWILIO_API_BASE_URL)', () => {
  it.each([
    ['unset', undefined],
    ['Twilio’s own origin', 'https://api.twilio.com'],
    ['Twilio’s own origin with a trailing slash', 'https://api.twilio.com/'],
    ['Twilio’s own origin in capitals, with spaces', ' HTTPS://API.TWILIO.COM// '],
  ])('%s: every call keeps its product’s Twilio host', async (_name, apiBaseUrl) => {
    expect(await urisSentWith(apiBaseUrl)).toEqual(CALLS);
  });

  it.each([
    ['the sandbox', 'http://127.0.0.1:4010'],
    ['the sandbox with a trailing slash', 'http://127.0.0.1:4010/'],
  ])('%s: every call goes there, on Twilio’s paths', async (_name, apiBaseUrl) => {
    expect(await urisSentWith(apiBaseUrl)).toEqual([
      'http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json',
      'http://127.0.0.1:4010/v1/Services?PageSize=50',
      'http://127.0.0.1:4010/v2/PhoneNumbers/%2B14155550123',
    ]);
  });

  it('reads an empty setting as unset', () => {
    expect(effectiveApiBaseUrl('  ')).toBeUndefined();
  });
});
