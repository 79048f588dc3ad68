import { createHash } from 'node:crypto';
import { rfc2822 } from './twilio-ids';
import {
  contentTypeOf,
  type AvailableNumberState,
  type TwilioAccountState,
  type TwilioMessageState,
  type TwilioNumberState,
  type TwilioServiceState,
} from './twilio-sandbox';

/*
 * Resources as Twilio writes them on the wire (snake_case, RFC 2822 dates in the 2010 API,
 * ISO dates and absolute URLs in the v1/v2 APIs). The contract tests check these against the
 * official specs.
 */

const API = '/2010-04-01';
const MESSAGING_HOST = 'https://messaging.twilio.com';
const LOOKUPS_HOST = 'https://lookups.twilio.com';

export function accountResource(account: TwilioAccountState) {
  const uri = `${API}/Accounts/${account.sid}.json`;
  return {
    // Twilio returns the auth token here; the stand-in never hands a secret back.
    auth_token: null,
    date_created: rfc2822(account.dateCreated),
    date_updated: rfc2822(account.dateCreated),
    friendly_name: account.friendlyName,
    owner_account_sid: account.sid,
    sid: account.sid,
    status: 'active',
    subresource_uris: {
      incoming_phone_numbers: `${API}/Accounts/${account.sid}/IncomingPhoneNumbers.json`,
      messages: `${API}/Accounts/${account.sid}/Messages.json`,
      available_phone_numbers: `${API}/Accounts/${account.sid}/AvailablePhoneNumbers.json`,
    },
    type: 'Full',
    uri,
  };
}

export function messageResource(m: TwilioMessageState) {
  return {
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
    date_updated: rfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: String(m.mediaUrls.length),
    num_segments: String(m.numSegments),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: {
      media: `${API}/Accounts/${m.accountSid}/Messages/${m.sid}/Media.json`,
      feedback: `${API}/Accounts/${m.accountSid}/Messages/${m.sid}/Feedback.json`,
    },
    to: m.to,
    uri: `${API}/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
  };
}

/** A message's picture as a Media resource (its sid derived from the message's, so it is stable). */
export function mediaResource(m: TwilioMessageState, index: number, url: string) {
  const sid = `ME${createHash('sha256').update(`${m.sid}:${index}`).digest('hex').slice(0, 32)}`;
  return {
    account_sid: m.accountSid,
    content_type: contentTypeOf(url),
    date_created: rfc2822(m.dateCreated),
    date_updated: rfc2822(m.dateUpdated),
    parent_sid: m.sid,
    sid,
    uri: `${API}/Accounts/${m.accountSid}/Messages/${m.sid}/Media/${sid}.json`,
  };
}

export function incomingNumberResource(n: TwilioNumberState) {
  return {
    account_sid: n.accountSid,
    address_sid: null,
    address_requirements: 'none',
    api_version: '2010-04-01',
    beta: false,
    capabilities: { mms: true, sms: true, voice: true, fax: false },
    date_created: rfc2822(n.dateCreated),
    date_updated: rfc2822(n.dateUpdated),
    friendly_name: n.friendlyName,
    identity_sid: null,
    phone_number: n.phoneNumber,
    origin: 'twilio',
    sid: n.sid,
    sms_application_sid: null,
    sms_fallback_method: 'POST',
    sms_fallback_url: n.smsFallbackUrl ?? '',
    sms_method: n.smsMethod,
    sms_url: n.smsUrl ?? '',
    status_callback: n.statusCallback ?? '',
    status_callback_method: 'POST',
    trunk_sid: null,
    uri: `${API}/Accounts/${n.accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
    voice_receive_mode: 'voice',
    voice_application_sid: null,
    voice_caller_id_lookup: false,
    voice_fallback_method: 'POST',
    voice_fallback_url: null,
    voice_method: 'POST',
    voice_url: null,
    emergency_status: 'Inactive',
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    bundle_sid: null,
    status: 'in-use',
    type: n.kind === 'toll-free' ? 'toll-free' : 'local',
  };
}

export function availableNumberResource(n: AvailableNumberState) {
  return {
    friendly_name: n.phoneNumber.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3'),
    phone_number: n.phoneNumber,
    lata: n.lata || null,
    locality: n.locality || null,
    rate_center: n.rateCenter || null,
    latitude: null,
    longitude: null,
    region: n.region || null,
    postal_code: n.postalCode || null,
    iso_country: 'US',
    address_requirements: 'none',
    beta: false,
    // As the spec and Twilio's examples write them: lower-case keys.
    capabilities: { mms: true, sms: true, voice: true, fax: false },
  };
}

export function serviceResource(s: TwilioServiceState) {
  const url = `${MESSAGING_HOST}/v1/Services/${s.sid}`;
  return {
    sid: s.sid,
    account_sid: s.accountSid,
    friendly_name: s.friendlyName,
    date_created: s.dateCreated.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    date_updated: s.dateUpdated.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    inbound_request_url: s.inboundRequestUrl,
    inbound_method: 'POST',
    fallback_url: s.fallbackUrl,
    fallback_method: 'POST',
    status_callback: s.statusCallback,
    sticky_sender: s.stickySender,
    mms_converter: true,
    smart_encoding: true,
    scan_message_content: 'inherit',
    fallback_to_long_code: true,
    area_code_geomatch: true,
    synchronous_validation: true,
    validity_period: 14400,
    url,
    links: {
      phone_numbers: `${url}/PhoneNumbers`,
      short_codes: `${url}/ShortCodes`,
      alpha_senders: `${url}/AlphaSenders`,
    },
    usecase: 'marketing',
    us_app_to_person_registered: false,
    use_inbound_webhook_on_number: s.useInboundWebhookOnNumber,
  };
}

export function servicePhoneNumberResource(s: TwilioServiceState, n: TwilioNumberState) {
  return {
    sid: n.sid,
    account_sid: n.accountSid,
    service_sid: s.sid,
    date_created: n.dateCreated.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    date_updated: n.dateUpdated.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    phone_number: n.phoneNumber,
    country_code: 'US',
    capabilities: ['SMS', 'MMS', 'Voice'],
    url: `${MESSAGING_HOST}/v1/Services/${s.sid}/PhoneNumbers/${n.sid}`,
  };
}

export function lookupResource(
  input: string,
  parsed: { e164: string; country: string; nationalFormat: string; callingCode: string } | null,
  lineType: string | null,
) {
  // Twilio writes every field, null for the packages it did not look up (see the spec's examples).
  const notLookedUp = {
    caller_name: null,
    sim_swap: null,
    call_forwarding: null,
    line_status: null,
    identity_match: null,
    reassigned_number: null,
    sms_pumping_risk: null,
    phone_number_quality_score: null,
    pre_fill: null,
  };
  if (!parsed) {
    return {
      calling_country_code: null,
      country_code: null,
      phone_number: input,
      national_format: null,
      valid: false,
      validation_errors: ['NOT_A_NUMBER'],
      ...notLookedUp,
      line_type_intelligence: null,
      url: `${LOOKUPS_HOST}/v2/PhoneNumbers/${encodeURIComponent(input)}`,
    };
  }
  return {
    calling_country_code: parsed.callingCode,
    country_code: parsed.country,
    phone_number: parsed.e164,
    national_format: parsed.nationalFormat,
    valid: true,
    validation_errors: null,
    ...notLookedUp,
    line_type_intelligence: lineType
      ? {
          error_code: null,
          mobile_country_code: '310',
          mobile_network_code: lineType === 'mobile' ? '456' : '010',
          carrier_name: lineType === 'mobile' ? 'Sandbox Wireless' : 'Sandbox Telephone Co.',
          type: lineType,
        }
      : null,
    url: `${LOOKUPS_HOST}/v2/PhoneNumbers/${encodeURIComponent(parsed.e164)}`,
  };
}

/** Twilio's 2010 page envelope (relative URIs, zero-based pages). */
export function page2010<T>(
  key: string,
  basePath: string,
  items: T[],
  query: { PageSize?: unknown; Page?: unknown },
  extraQuery: Record<string, string> = {},
) {
  const pageSize = clampPageSize(query.PageSize);
  const page = Math.max(0, Number(query.Page ?? 0) || 0);
  const start = page * pageSize;
  const slice = items.slice(start, start + pageSize);
  const link = (p: number) => {
    const qs = new URLSearchParams({ ...extraQuery, PageSize: String(pageSize), Page: String(p) });
    if (p > 0) qs.set('PageToken', `PA${p}`);
    return `${basePath}?${qs.toString()}`;
  };
  return {
    [key]: slice,
    end: start + Math.max(slice.length, 1) - 1,
    first_page_uri: link(0),
    next_page_uri: start + pageSize < items.length ? link(page + 1) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 ? link(page - 1) : null,
    start,
    uri: link(page),
  };
}

/** Twilio's v1 page envelope (absolute URLs under `meta`). */
export function pageV1<T>(
  key: string,
  baseUrl: string,
  items: T[],
  query: { PageSize?: unknown; Page?: unknown },
) {
  const pageSize = clampPageSize(query.PageSize);
  const page = Math.max(0, Number(query.Page ?? 0) || 0);
  const start = page * pageSize;
  const link = (p: number) => {
    const qs = new URLSearchParams({ PageSize: String(pageSize), Page: String(p) });
    if (p > 0) qs.set('PageToken', `PA${p}`);
    return `${baseUrl}?${qs.toString()}`;
  };
  return {
    [key]: items.slice(start, start + pageSize),
    meta: {
      first_page_url: link(0),
      key,
      next_page_url: start + pageSize < items.length ? link(page + 1) : null,
      page,
      page_size: pageSize,
      previous_page_url: page > 0 ? link(page - 1) : null,
      url: link(page),
    },
  };
}

function clampPageSize(value: unknown): number {
  const n = Number(value ?? 50);
  return Number.isFinite(n) && n >= 1 ? Math.min(Math.floor(n), 1000) : 50;
}

export const twilioHosts = { messaging: MESSAGING_HOST, lookups: LOOKUPS_HOST };
