/**
 * The demo account the sandbox starts with (and returns to on reset). The SID and auth token come
 * from SANDBOX_TWILIO_ACCOUNT_SID / SANDBOX_TWILIO_AUTH_TOKEN, with fixed defaults so the demo and
 * the tests work with no set-up. All numbers are in the 555-01xx fictional range yet parse as
 * valid US numbers.
 */
export interface TwilioSeedNumber {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  kind: 'local' | 'toll-free';
  locality: string;
  region: string;
  postalCode: string;
  messagingServiceSid?: string;
}

export interface TwilioSeedAvailableNumber {
  phoneNumber: string;
  kind: 'local' | 'toll-free';
  locality: string;
  region: string;
  postalCode: string;
  rateCenter: string;
  lata: string;
}

/** A further Twilio account beside the demo one: its own credentials and numbers, no messaging service. */
export interface TwilioSeedAccount {
  account: { sid: string; authToken: string; friendlyName: string };
  apiKey: { sid: string; secret: string };
  numbers: TwilioSeedNumber[];
}

export interface TwilioSeed {
  account: { sid: string; authToken: string; friendlyName: string };
  apiKey: { sid: string; secret: string };
  messagingService: { sid: string; friendlyName: string; advancedOptOut: boolean };
  numbers: TwilioSeedNumber[];
  /** Other Twilio accounts (e.g. the second Keap tenant's), so two installs can each connect their own. */
  otherAccounts?: TwilioSeedAccount[];
  availableNumbers: TwilioSeedAvailableNumber[];
  landlines: string[];
}

export const DEMO_ACCOUNT_SID = 'AC00000000000000000000000000000001';
export const DEMO_AUTH_TOKEN = 'sandbox-demo-auth-token-0000000001';
export const DEMO_API_KEY_SID = 'SK00000000000000000000000000000001';
export const DEMO_API_KEY_SECRET = 'sandbox-demo-api-key-secret-000001';
export const DEMO_MESSAGING_SERVICE_SID = 'MG00000000000000000000000000000001';

// The second Twilio account (for the second Keap tenant, sb202): multi-account tests and demos.
export const SECOND_ACCOUNT_SID = 'AC00000000000000000000000000000002';
export const SECOND_AUTH_TOKEN = 'sandbox-second-auth-token-000000002';
export const SECOND_API_KEY_SID = 'SK00000000000000000000000000000002';
export const SECOND_API_KEY_SECRET = 'sandbox-second-api-key-secret-00002';
export const SECOND_NUMBER = '+15035550120';

export function twilioSeed(env: NodeJS.ProcessEnv = process.env): TwilioSeed {
  return {
    account: {
      sid: env.SANDBOX_TWILIO_ACCOUNT_SID ?? DEMO_ACCOUNT_SID,
      authToken: env.SANDBOX_TWILIO_AUTH_TOKEN ?? DEMO_AUTH_TOKEN,
      friendlyName: 'Sandbox demo account',
    },
    apiKey: { sid: DEMO_API_KEY_SID, secret: DEMO_API_KEY_SECRET },
    messagingService: {
      sid: DEMO_MESSAGING_SERVICE_SID,
      friendlyName: 'Demo messaging service',
      advancedOptOut: true,
    },
    numbers: [
      {
        sid: 'PN00000000000000000000000000000001',
        phoneNumber: '+14155550100',
        friendlyName: '(415) 555-0100',
        kind: 'local',
        locality: 'San Francisco',
        region: 'CA',
        postalCode: '94105',
      },
      {
        sid: 'PN00000000000000000000000000000002',
        phoneNumber: '+12125550142',
        friendlyName: '(212) 555-0142',
        kind: 'local',
        locality: 'New York',
        region: 'NY',
        postalCode: '10001',
      },
      {
        sid: 'PN00000000000000000000000000000003',
        phoneNumber: '+18885550199',
        friendlyName: '(888) 555-0199',
        kind: 'toll-free',
        locality: '',
        region: '',
        postalCode: '',
      },
      {
        sid: 'PN00000000000000000000000000000004',
        phoneNumber: '+16175550111',
        friendlyName: '(617) 555-0111',
        kind: 'local',
        locality: 'Boston',
        region: 'MA',
        postalCode: '02108',
        messagingServiceSid: DEMO_MESSAGING_SERVICE_SID,
      },
    ],
    otherAccounts: [
      {
        account: {
          sid: SECOND_ACCOUNT_SID,
          authToken: SECOND_AUTH_TOKEN,
          friendlyName: 'Sandbox second account',
        },
        apiKey: { sid: SECOND_API_KEY_SID, secret: SECOND_API_KEY_SECRET },
        numbers: [
          {
            sid: 'PN00000000000000000000000000000021',
            phoneNumber: SECOND_NUMBER,
            friendlyName: '(503) 555-0120',
            kind: 'local',
            locality: 'Portland',
            region: 'OR',
            postalCode: '97201',
          },
        ],
      },
    ],
    availableNumbers: [
      {
        phoneNumber: '+13125550190',
        kind: 'local',
        locality: 'Chicago',
        region: 'IL',
        postalCode: '60601',
        rateCenter: 'CHICAGO',
        lata: '358',
      },
      {
        phoneNumber: '+13105550154',
        kind: 'local',
        locality: 'Los Angeles',
        region: 'CA',
        postalCode: '90001',
        rateCenter: 'LSAN DA 01',
        lata: '730',
      },
      {
        phoneNumber: '+14155550188',
        kind: 'local',
        locality: 'San Francisco',
        region: 'CA',
        postalCode: '94105',
        rateCenter: 'SNFC CNTRL',
        lata: '722',
      },
      {
        phoneNumber: '+12025550173',
        kind: 'local',
        locality: 'Washington',
        region: 'DC',
        postalCode: '20001',
        rateCenter: 'WASHINGTON',
        lata: '236',
      },
      {
        phoneNumber: '+18005550100',
        kind: 'toll-free',
        locality: '',
        region: '',
        postalCode: '',
        rateCenter: '',
        lata: '',
      },
    ],
    // A landline the demo can text to show the "not a mobile number" path.
    landlines: ['+13125550111'],
  };
}
