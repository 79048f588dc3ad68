import { randomBytes } from 'node:crypto';
import { KeapApiError, KeapOAuthError } from './keap-api.error';
import {
  KEAP_PUBLISHED_LIMITS,
  KeapThrottle,
  type KeapQuotaLimits,
  type KeapThrottleStyle,
} from './keap-throttle';
import { globalUserId, seedKeapTenants } from './keap-seed';
import { toE164 } from './keap-phone';

/**
 * The Keap stand-in's state: OAuth clients and grants, and several tenants (Keap apps), each with
 * its own contacts, tags, notes and custom fields. Everything lives in memory; `reset()` brings
 * back the seed. The REST router is a thin HTTP skin over these methods, and tests may call them
 * directly.
 */

export interface KeapOAuthClient {
  clientId: string;
  clientSecret: string;
  name: string;
}

export interface KeapSandboxOptions {
  /** Milliseconds since the epoch; the control API can move it forward (`advanceClock`). */
  now?: () => number;
  /** Lifetime of access tokens; Keap's is about 24 hours. */
  accessTokenTtlSeconds?: number;
  clients?: KeapOAuthClient[];
  quotas?: Partial<KeapQuotaLimits>;
}

export const SANDBOX_KEAP_CLIENT: KeapOAuthClient = {
  clientId: 'sandbox-keap-client-id',
  clientSecret: 'sandbox-keap-client-secret',
  name: 'SMS Sequences for Keap',
};

export type EmailField = 'EMAIL1' | 'EMAIL2' | 'EMAIL3';
export type PhoneField = 'PHONE1' | 'PHONE2' | 'PHONE3' | 'PHONE4' | 'PHONE5';

export interface KeapEmailAddress {
  email: string;
  field: EmailField;
  opt_in_reason?: string;
  is_opt_in?: boolean;
  email_opt_status?: string;
}

export interface KeapPhoneNumber {
  number: string;
  field: PhoneField;
  type?: string;
  extension?: string;
  number_e164?: string;
}

/** The spec's CreateCustomFieldRequest.field_type (and CustomFieldMetaData's). */
export const CUSTOM_FIELD_TYPES = [
  'CURRENCY',
  'DATE',
  'DATE_TIME',
  'DAY_OF_WEEK',
  'DECIMAL_NUMBER',
  'DRILLDOWN',
  'DROPDOWN',
  'EMAIL',
  'LIST_BOX',
  'MONTH',
  'NAME',
  'PERCENT',
  'PHONE_NUMBER',
  'RADIO',
  'SOCIAL_SECURITY_NUMBER',
  'STATE',
  'TEXT',
  'TEXT_AREA',
  'USER',
  'USER_LIST_BOX',
  'WEBSITE',
  'WHOLE_NUMBER',
  'YEAR',
  'YES_NO',
] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];
/** The types whose values are picked from the field's options. */
const TYPES_WITH_OPTIONS: readonly CustomFieldType[] = [
  'DROPDOWN',
  'RADIO',
  'LIST_BOX',
  'DRILLDOWN',
];

export interface KeapCustomFieldDef {
  id: string;
  label: string;
  field_name: string;
  field_type: CustomFieldType;
  record_type: 'CONTACT';
  group_id?: string;
  group_name?: string;
  options?: { id: string; label: string }[];
}

export interface StoredContact {
  id: string;
  /** Plain string properties of the v2 Contact (given_name, family_name, job_title, ...). */
  scalars: Record<string, string>;
  company?: { id: string; company_name: string };
  email_addresses: KeapEmailAddress[];
  phone_numbers: KeapPhoneNumber[];
  /** FAX1, FAX2; absent until a create or update sets them. */
  fax_numbers?: { number: string; field: string; type?: string }[];
  addresses: Record<string, unknown>[];
  custom: Map<string, string | number | null>;
  create_time: string;
  update_time: string;
}

export interface StoredTag {
  id: string;
  name: string;
  description?: string;
  category?: { id: string };
  create_time: string;
  update_time: string;
}

export interface StoredNote {
  id: string;
  contact_id: string;
  user_id: string;
  title?: string;
  text?: string;
  type?: string;
  pinned_at?: string;
  create_time: string;
  update_time: string;
}

export interface KeapUser {
  /** The user's id in this Keap app (userinfo's `sub`; a note's `user_id`). */
  id: string;
  /** The global (cross-app) user identifier (userinfo's `id`): not a user id of the tenant. */
  globalId?: string;
  given_name: string;
  family_name: string;
  email: string;
}

export interface KeapTenant {
  id: string;
  name: string;
  users: KeapUser[];
  contacts: Map<string, StoredContact>;
  tags: Map<string, StoredTag>;
  /** contact id → tag id → applied time. */
  applied: Map<string, Map<string, string>>;
  notes: Map<string, StoredNote>;
  customFields: KeapCustomFieldDef[];
  nextId: number;
}

interface Grant {
  id: string;
  clientId: string;
  tenantId: string;
  userId: string;
  revoked: boolean;
  refreshToken: string;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  tenantId: string;
  userId: string;
  expiresAt: number;
  used: boolean;
}

export interface KeapTokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** An API goal the sandbox was asked to achieve (it has no campaigns: each ask is recorded). */
export interface AchievedGoal {
  contact_id: string;
  integration: string | null;
  call_name: string | null;
  automation_id: number | null;
  goal_id: number | null;
  achieved_time: string;
}

export interface KeapCallCounts {
  total: number;
  throttled: number;
  byOperation: Record<string, number>;
  byTenant: Record<string, Record<string, number>>;
}

/** Writable plain string properties of the v2 Contact create/update body. */
const SCALAR_PROPERTIES: Record<string, number> = {
  given_name: 40,
  family_name: 40,
  middle_name: 100,
  job_title: 255,
  website: 100,
  time_zone: 100,
  prefix: 100,
  suffix: 100,
  preferred_name: 100,
  spouse_name: 100,
  birth_date: 100,
  anniversary_date: 100,
  contact_type: 100,
  leadsource_id: 100,
  owner_id: 100,
  source_type: 100,
  preferred_locale: 100,
  referral_code: 100,
  assistant_name: 20,
  assistant_phone: 15,
  billing_information: 100,
};
const LIST_PROPERTIES = [
  'email_addresses',
  'phone_numbers',
  'fax_numbers',
  'addresses',
  'custom_fields',
  'company',
] as const;
/** Properties the spec lists for `fields` that we answer with (others are accepted and left out). */
const ALL_CONTACT_FIELDS = [
  'addresses',
  'anniversary_date',
  'birth_date',
  'company',
  'contact_type',
  'create_time',
  'custom_fields',
  'email_addresses',
  'family_name',
  'fax_numbers',
  'given_name',
  'id',
  'job_title',
  'leadsource_id',
  'links',
  'middle_name',
  'notes',
  'origin',
  'owner_id',
  'phone_numbers',
  'preferred_locale',
  'preferred_name',
  'prefix',
  'referral_code',
  'score_value',
  'social_accounts',
  'source_type',
  'spouse_name',
  'suffix',
  'tag_ids',
  'time_zone',
  'update_time',
  'utm_parameters',
  'website',
  'account_id',
  'assistant_name',
  'assistant_phone',
  'billing_information',
  'created_by',
  'groups',
  'last_updated_by',
];
/** Not sent unless asked for with `fields` (the model's `optional_properties`). */
export const CONTACT_OPTIONAL_PROPERTIES = [
  'custom_fields',
  'tag_ids',
  'fax_numbers',
  'social_accounts',
  'links',
  'utm_parameters',
  'notes',
];
const DEFAULT_CONTACT_FIELDS = ALL_CONTACT_FIELDS.filter(
  (f) => !CONTACT_OPTIONAL_PROPERTIES.includes(f),
);

const EMAIL_FIELDS: readonly string[] = ['EMAIL1', 'EMAIL2', 'EMAIL3'];
const PHONE_FIELDS: readonly string[] = ['PHONE1', 'PHONE2', 'PHONE3', 'PHONE4', 'PHONE5'];
const FAX_FIELDS: readonly string[] = ['FAX1', 'FAX2'];
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CODE_TTL_MS = 10 * 60 * 1000;

export class KeapSandbox {
  readonly clients: KeapOAuthClient[];
  readonly throttle: KeapThrottle;
  accessTokenTtlSeconds: number;
  private readonly baseNow: () => number;
  private clockOffsetMs = 0;
  tenants = new Map<string, KeapTenant>();
  private grants = new Map<string, Grant>();
  private codes = new Map<string, AuthorizationCode>();
  private refreshTokens = new Map<string, string>();
  private accessTokens = new Map<string, { grantId: string; expiresAt: number }>();
  private calls: KeapCallCounts = emptyCounts();
  /** Goals asked for, per tenant id, in order. */
  private goals = new Map<string, AchievedGoal[]>();
  /** Injected outage: the next `count` REST calls answer `status` (e.g. 503). */
  private faults: KeapFault = { status: 503, count: 0 };
  /** Contacts whose next tag applies Keap refuses, by `tenantId:contactId` (see refuseTagApplies). */
  private tagRefusals = new Map<string, { tagId?: string; count: number }>();

  constructor(private readonly options: KeapSandboxOptions = {}) {
    this.baseNow = options.now ?? Date.now;
    this.clients = options.clients ?? [SANDBOX_KEAP_CLIENT];
    this.accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 86_400;
    this.throttle = new KeapThrottle({ ...KEAP_PUBLISHED_LIMITS, ...options.quotas });
    this.reset();
  }

  now(): number {
    return this.baseNow() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** Back to the seed: tenants, no grants, empty counters, the configured quotas. */
  reset(): void {
    this.tenants = new Map(seedKeapTenants(this.isoNow()).map((t) => [t.id, t]));
    this.grants.clear();
    this.codes.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.calls = emptyCounts();
    this.goals.clear();
    this.faults = { status: 503, count: 0 };
    this.tagRefusals.clear();
    this.throttle.limits = { ...KEAP_PUBLISHED_LIMITS, ...this.options.quotas };
    this.throttle.reset();
    this.clockOffsetMs = 0;
    this.accessTokenTtlSeconds = this.options.accessTokenTtlSeconds ?? 86_400;
  }

  /**
   * The next `count` REST calls fail with `status` (5xx), as during a Keap outage. With
   * `afterApplying`, Keap does the work first and then the answer is lost: a 5xx, or with `drop`
   * no answer at all (the connection is closed). `operations` (operation ids, e.g. `createNote`)
   * limits the fault to those calls; others pass.
   */
  failNextCalls(
    count: number,
    status = 503,
    options: { afterApplying?: boolean; drop?: boolean; operations?: string[] } = {},
  ): void {
    this.faults = { status, count, ...options };
  }

  /**
   * Keap refuses the next `count` applies (of `tagId`, or of any tag) to this contact: the
   * applyTags call still succeeds, with `FAILURE` for this contact alone and the tag not applied,
   * as when Keap cannot tag one contact of many. `count: 0` ends it.
   */
  refuseTagApplies(
    tenant: KeapTenant,
    contactId: string,
    options: { tagId?: string; count?: number } = {},
  ): void {
    const key = `${tenant.id}:${contactId}`;
    const count = options.count ?? 1;
    if (count <= 0) this.tagRefusals.delete(key);
    else this.tagRefusals.set(key, { count, ...(options.tagId ? { tagId: options.tagId } : {}) });
  }

  /** The fault that applies to this call once its work is done, if any (see `failNextCalls`). */
  takeFaultAfterApplying(operation: string): { status: number; drop: boolean } | null {
    const f = this.faults;
    if (f.count <= 0 || !f.afterApplying || !faultCovers(f, operation)) return null;
    f.count -= 1;
    return { status: f.status, drop: f.drop === true };
  }

  setQuotas(limits: Partial<KeapQuotaLimits>): KeapQuotaLimits {
    this.throttle.limits = { ...this.throttle.limits, ...limits };
    return this.throttle.limits;
  }

  callCounts(): KeapCallCounts {
    return structuredClone(this.calls);
  }

  tenant(tenantId: string): KeapTenant {
    const t = this.tenants.get(tenantId);
    if (!t) throw KeapApiError.notFound('tenant', tenantId);
    return t;
  }

  /** A new, empty tenant (no contacts or tags; one user; the seed's custom fields are not copied). */
  createTenant(id: string, name: string): KeapTenant {
    if (this.tenants.has(id)) throw KeapApiError.of(409, 'ALREADY_EXISTS', `tenant exists: ${id}`);
    const tenant: KeapTenant = {
      id,
      name,
      users: [
        {
          id: '1',
          globalId: globalUserId(id),
          given_name: 'Owner',
          family_name: name,
          email: `owner@${id}.example`,
        },
      ],
      contacts: new Map(),
      tags: new Map(),
      applied: new Map(),
      notes: new Map(),
      customFields: [],
      nextId: 1,
    };
    this.tenants.set(id, tenant);
    return tenant;
  }

  // ---------------------------------------------------------------- OAuth

  client(clientId: string | undefined): KeapOAuthClient | undefined {
    return this.clients.find((c) => c.clientId === clientId);
  }

  /** The user pressed "Allow" on the consent page: a one-time code for that tenant. */
  issueAuthorizationCode(input: {
    clientId: string;
    redirectUri: string;
    tenantId: string;
  }): string {
    const tenant = this.tenant(input.tenantId);
    const code = token();
    this.codes.set(code, {
      clientId: input.clientId,
      redirectUri: input.redirectUri,
      tenantId: tenant.id,
      userId: tenant.users[0]?.id ?? '1',
      expiresAt: this.now() + CODE_TTL_MS,
      used: false,
    });
    return code;
  }

  /** The token endpoint: authorization_code and refresh_token grants. */
  exchangeToken(
    form: Record<string, string | undefined>,
    basic?: { id: string; secret: string },
  ): KeapTokenResponse {
    const clientId = basic?.id ?? form.client_id;
    const clientSecret = basic?.secret ?? form.client_secret;
    const client = this.client(clientId);
    if (!client || client.clientSecret !== clientSecret) {
      throw new KeapOAuthError(401, 'invalid_client', 'Invalid client credentials');
    }
    if (form.grant_type === 'authorization_code') {
      const code = form.code ? this.codes.get(form.code) : undefined;
      if (!code || code.used || code.expiresAt <= this.now() || code.clientId !== client.clientId) {
        throw new KeapOAuthError(400, 'invalid_grant', 'Invalid authorization code');
      }
      if (code.redirectUri !== form.redirect_uri) {
        throw new KeapOAuthError(400, 'invalid_grant', 'Redirect URI mismatch');
      }
      code.used = true;
      const grant: Grant = {
        id: token(),
        clientId: client.clientId,
        tenantId: code.tenantId,
        userId: code.userId,
        revoked: false,
        refreshToken: token(),
      };
      this.grants.set(grant.id, grant);
      this.refreshTokens.set(grant.refreshToken, grant.id);
      return this.issueAccessToken(grant);
    }
    if (form.grant_type === 'refresh_token') {
      const grantId = form.refresh_token ? this.refreshTokens.get(form.refresh_token) : undefined;
      const grant = grantId ? this.grants.get(grantId) : undefined;
      if (!grant || grant.revoked || grant.clientId !== client.clientId) {
        throw new KeapOAuthError(400, 'invalid_grant', 'Invalid refresh token');
      }
      // Keap rotates the refresh token: the one just used is dead from now on.
      this.refreshTokens.delete(grant.refreshToken);
      grant.refreshToken = token();
      this.refreshTokens.set(grant.refreshToken, grant.id);
      return this.issueAccessToken(grant);
    }
    throw new KeapOAuthError(
      400,
      'unsupported_grant_type',
      `Unsupported grant type: ${form.grant_type ?? '(none)'}`,
    );
  }

  /** The user disconnected the app (or Keap revoked it): its tokens stop working. */
  revokeGrants(filter: { tenantId?: string; clientId?: string }): number {
    let count = 0;
    for (const grant of this.grants.values()) {
      if (grant.revoked) continue;
      if (filter.tenantId && grant.tenantId !== filter.tenantId) continue;
      if (filter.clientId && grant.clientId !== filter.clientId) continue;
      grant.revoked = true;
      count += 1;
    }
    return count;
  }

  grantSummaries(): {
    tenantId: string;
    clientId: string;
    revoked: boolean;
    accessTokens: number;
  }[] {
    return [...this.grants.values()].map((g) => ({
      tenantId: g.tenantId,
      clientId: g.clientId,
      revoked: g.revoked,
      accessTokens: [...this.accessTokens.values()].filter(
        (a) => a.grantId === g.id && a.expiresAt > this.now(),
      ).length,
    }));
  }

  /** Bearer check of the REST API; answers the gateway's 401 fault when the token is no good. */
  authenticate(authorization: string | undefined): {
    tenant: KeapTenant;
    clientId: string;
    userId: string;
  } {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const access = match?.[1] ? this.accessTokens.get(match[1]) : undefined;
    const grant = access ? this.grants.get(access.grantId) : undefined;
    if (!access || !grant || grant.revoked) {
      throw KeapApiError.fault(
        401,
        'Invalid Access Token',
        'keymanagement.service.invalid_access_token',
      );
    }
    if (access.expiresAt <= this.now()) {
      throw KeapApiError.fault(
        401,
        'Access Token expired',
        'keymanagement.service.access_token_expired',
      );
    }
    return { tenant: this.tenant(grant.tenantId), clientId: grant.clientId, userId: grant.userId };
  }

  /** Counts the call and applies the app's and tenant's throttles; the headers go on every answer. */
  meter(clientId: string, tenantId: string, operation: string): Record<string, string> {
    this.calls.total += 1;
    this.calls.byOperation[operation] = (this.calls.byOperation[operation] ?? 0) + 1;
    const perTenant = (this.calls.byTenant[tenantId] ??= {});
    perTenant[operation] = (perTenant[operation] ?? 0) + 1;
    const decision = this.throttle.take(clientId, tenantId, this.now());
    if (
      decision.allowed &&
      this.faults.count > 0 &&
      !this.faults.afterApplying &&
      faultCovers(this.faults, operation)
    ) {
      this.faults.count -= 1;
      throw new KeapApiError(
        this.faults.status,
        { code: this.faults.status, message: 'Service unavailable', status: 'UNAVAILABLE' },
        decision.headers,
      );
    }
    if (decision.allowed) return decision.headers;
    this.calls.throttled += 1;
    // Headers and body as Keap answers (keap-throttle.ts; the style is set with setThrottleStyle).
    throw this.throttle.refusal(decision);
  }

  /** How refusals look: Retry-After on or off, the v2 or the gateway's fault body. */
  setThrottleStyle(style: Partial<KeapThrottleStyle>): KeapThrottleStyle {
    this.throttle.style = { ...this.throttle.style, ...style };
    return this.throttle.style;
  }

  userInfo(tenant: KeapTenant, userId: string): Record<string, unknown> {
    const user = tenant.users.find((u) => u.id === userId) ?? tenant.users[0];
    return {
      id: user?.globalId ?? user?.id,
      sub: user?.id,
      keap_id: user?.email,
      email: user?.email,
      given_name: user?.given_name,
      family_name: user?.family_name,
      is_admin: true,
      tenant_id: tenant.id,
    };
  }

  private issueAccessToken(grant: Grant): KeapTokenResponse {
    const accessToken = token();
    this.accessTokens.set(accessToken, {
      grantId: grant.id,
      expiresAt: this.now() + this.accessTokenTtlSeconds * 1000,
    });
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: this.accessTokenTtlSeconds,
      refresh_token: grant.refreshToken,
      scope: `full|${grant.tenantId}.infusionsoft.com`,
    };
  }

  // ---------------------------------------------------------------- contacts

  getContact(tenant: KeapTenant, id: string, fields?: string[]): Record<string, unknown> {
    return this.renderContact(tenant, this.findContact(tenant, id), fields);
  }

  listContacts(
    tenant: KeapTenant,
    query: {
      filter?: string;
      fields?: string[];
      pageSize?: number;
      pageToken?: string;
      orderBy?: string;
    },
  ): { contacts: Record<string, unknown>[]; next_page_token: string } {
    const predicates = parseContactFilter(tenant, query.filter);
    let matches = [...tenant.contacts.values()].filter((c) => predicates.every((p) => p(c)));
    matches = orderContacts(matches, query.orderBy);
    const page = paginate(matches, query.pageSize, query.pageToken);
    return {
      contacts: page.items.map((c) => this.renderContact(tenant, c, query.fields)),
      next_page_token: page.next,
    };
  }

  /**
   * Create, as Keap does: without `duplicate_option` a second contact with the same email is
   * simply made; with it, the matching contact is updated instead (200 rather than 201).
   */
  createContact(
    tenant: KeapTenant,
    body: unknown,
    duplicateOption?: string,
    fields?: string[],
  ): { status: 200 | 201; contact: Record<string, unknown> } {
    const input = asObject(body);
    validateContactBody(tenant, input);
    if (duplicateOption !== undefined) {
      if (!['Email', 'EmailAndName', 'EmailAndNameAndCompany'].includes(duplicateOption)) {
        throw KeapApiError.badRequest(`Invalid duplicate_option: ${duplicateOption}`);
      }
      const existing = this.findDuplicate(tenant, input, duplicateOption);
      if (existing) {
        this.applyContactBody(tenant, existing, input, undefined);
        return { status: 200, contact: this.renderContact(tenant, existing, fields) };
      }
    }
    const emails = Array.isArray(input.email_addresses) ? input.email_addresses : [];
    const phones = Array.isArray(input.phone_numbers) ? input.phone_numbers : [];
    if (emails.length === 0 && phones.length === 0 && !input.given_name && !input.family_name) {
      throw KeapApiError.badRequest(
        'A contact needs at least a name, an email address or a phone number',
      );
    }
    const now = this.isoNow();
    const contact: StoredContact = {
      id: String(tenant.nextId++),
      scalars: {},
      email_addresses: [],
      phone_numbers: [],
      addresses: [],
      custom: new Map(),
      create_time: now,
      update_time: now,
    };
    this.applyContactBody(tenant, contact, input, undefined);
    tenant.contacts.set(contact.id, contact);
    return { status: 201, contact: this.renderContact(tenant, contact, fields) };
  }

  updateContact(
    tenant: KeapTenant,
    id: string,
    body: unknown,
    updateMask?: string[],
    fields?: string[],
  ): Record<string, unknown> {
    const contact = this.findContact(tenant, id);
    const input = asObject(body);
    validateContactBody(tenant, input);
    this.applyContactBody(tenant, contact, input, updateMask);
    return this.renderContact(tenant, contact, fields);
  }

  contactModel(tenant: KeapTenant): Record<string, unknown> {
    return {
      custom_fields: tenant.customFields.map((f) => ({ ...f })),
      optional_properties: CONTACT_OPTIONAL_PROPERTIES,
    };
  }

  /**
   * createContactCustomField: a label and one of the spec's types; options for the types whose
   * values are picked from them. The database name (field_name, how filters and merge fields name
   * it) is the label's letters and digits, numbered when another field has it already. A second
   * field with the same label is refused (409), as Keap's custom field settings refuse it.
   */
  createCustomField(tenant: KeapTenant, body: unknown): KeapCustomFieldDef {
    const input = asObject(body);
    const label = typeof input.label === 'string' ? input.label.trim() : '';
    if (!label) throw KeapApiError.badRequest('label is required');
    if (label.length > 100) throw KeapApiError.badRequest('label is longer than 100 characters');
    const type = String(input.field_type ?? '') as CustomFieldType;
    if (!CUSTOM_FIELD_TYPES.includes(type))
      throw KeapApiError.badRequest(
        `Invalid field_type: ${String(input.field_type ?? '(missing)')}`,
      );
    const options = input.options === undefined ? [] : input.options;
    if (!Array.isArray(options)) throw KeapApiError.badRequest('options must be an array');
    const labels = options.map((raw) => {
      const option = asObject(raw);
      const text = typeof option.label === 'string' ? option.label.trim() : '';
      if (!text) throw KeapApiError.badRequest('Every option needs a label');
      return text;
    });
    if (TYPES_WITH_OPTIONS.includes(type) && labels.length === 0)
      throw KeapApiError.badRequest(`A ${type} field needs at least one option`);
    if (!TYPES_WITH_OPTIONS.includes(type) && labels.length > 0)
      throw KeapApiError.badRequest(`A ${type} field takes no options`);
    if (new Set(labels.map((l) => l.toLowerCase())).size !== labels.length)
      throw KeapApiError.badRequest('Options must differ from each other');
    const group =
      input.group_id === undefined
        ? undefined
        : tenant.customFields.find((f) => f.group_id === String(input.group_id));
    if (input.group_id !== undefined && !group)
      throw KeapApiError.badRequest(`Invalid group_id: ${String(input.group_id)}`);
    if (tenant.customFields.some((f) => f.label.toLowerCase() === label.toLowerCase()))
      throw KeapApiError.of(
        409,
        'ALREADY_EXISTS',
        `A custom field labelled ${label} already exists`,
      );
    const def: KeapCustomFieldDef = {
      id: String(tenant.nextId++),
      label,
      field_name: uniqueFieldName(tenant, label),
      field_type: type,
      record_type: 'CONTACT',
      ...(group ? { group_id: group.group_id, group_name: group.group_name } : {}),
      ...(labels.length > 0
        ? { options: labels.map((l) => ({ id: String(tenant.nextId++), label: l })) }
        : {}),
    };
    tenant.customFields.push(def);
    return structuredClone(def);
  }

  private findContact(tenant: KeapTenant, id: string): StoredContact {
    const contact = tenant.contacts.get(id);
    if (!contact) throw KeapApiError.notFound('contact', id);
    return contact;
  }

  private findDuplicate(
    tenant: KeapTenant,
    input: Record<string, unknown>,
    option: string,
  ): StoredContact | undefined {
    const emails = (Array.isArray(input.email_addresses) ? input.email_addresses : [])
      .map((e) => String(asObject(e).email ?? '').toLowerCase())
      .filter(Boolean);
    if (emails.length === 0) return undefined;
    return [...tenant.contacts.values()].find((c) => {
      const sameEmail = c.email_addresses.some((e) => emails.includes(e.email.toLowerCase()));
      if (!sameEmail) return false;
      if (option === 'Email') return true;
      const sameName =
        (c.scalars.given_name ?? '') === String(input.given_name ?? '') &&
        (c.scalars.family_name ?? '') === String(input.family_name ?? '');
      if (option === 'EmailAndName') return sameName;
      const company = asObject(input.company ?? {});
      return sameName && (c.company?.company_name ?? '') === String(company.company_name ?? '');
    });
  }

  private applyContactBody(
    tenant: KeapTenant,
    contact: StoredContact,
    input: Record<string, unknown>,
    mask: string[] | undefined,
  ): void {
    const touches = (prop: string): boolean =>
      input[prop] !== undefined && (!mask || mask.includes(prop));
    for (const prop of Object.keys(SCALAR_PROPERTIES)) {
      if (!touches(prop)) continue;
      const value = input[prop];
      if (value === null || value === '') delete contact.scalars[prop];
      else contact.scalars[prop] = String(value);
    }
    // As the spec says of these lists ("any item not listed here will be removed if it already
    // exists"): an email address, phone number or fax number not listed is removed, so saving one
    // slot with only that slot in the list wipes the others. An email address sent again keeps
    // its opt-in status (Keap keeps that per address).
    if (touches('email_addresses')) {
      const before = contact.email_addresses;
      contact.email_addresses = (input.email_addresses as unknown[])
        .map(asObject)
        .filter((e) => e.email)
        .map((e): KeapEmailAddress => {
          const field = String(e.field ?? 'EMAIL1') as EmailField;
          const email = String(e.email);
          const same = before.find(
            (x) => x.field === field && x.email.toLowerCase() === email.toLowerCase(),
          );
          return {
            email,
            field,
            is_opt_in: same?.is_opt_in ?? false,
            email_opt_status: same?.email_opt_status ?? 'UNENGAGED_MARKETABLE',
            ...(e.opt_in_reason
              ? { opt_in_reason: String(e.opt_in_reason) }
              : same?.opt_in_reason
                ? { opt_in_reason: same.opt_in_reason }
                : {}),
          };
        })
        .filter(lastPerSlot)
        .sort((a, b) => a.field.localeCompare(b.field));
    }
    if (touches('phone_numbers'))
      contact.phone_numbers = (input.phone_numbers as unknown[])
        .map(asObject)
        .filter((p) => p.number)
        .map((p): KeapPhoneNumber => {
          const e164 = toE164(String(p.number));
          return {
            number: String(p.number),
            field: String(p.field ?? 'PHONE1') as PhoneField,
            ...(p.type ? { type: String(p.type) } : {}),
            ...(p.extension ? { extension: String(p.extension) } : {}),
            ...(e164 ? { number_e164: e164 } : {}),
          };
        })
        .filter(lastPerSlot)
        .sort((a, b) => a.field.localeCompare(b.field));
    if (touches('fax_numbers'))
      contact.fax_numbers = (input.fax_numbers as unknown[])
        .map(asObject)
        .filter((f) => f.number)
        .map((f) => ({
          number: String(f.number),
          field: String(f.field),
          ...(f.type ? { type: String(f.type) } : {}),
        }))
        .sort((a, b) => a.field.localeCompare(b.field));
    if (touches('addresses'))
      contact.addresses = (input.addresses as unknown[]).map((a) => ({ ...asObject(a) }));
    if (touches('company')) {
      const company = asObject(input.company);
      const name = String(company.company_name ?? '');
      if (name)
        contact.company = { id: String(company.id ?? `co-${contact.id}`), company_name: name };
      else delete contact.company;
    }
    if (touches('custom_fields')) {
      for (const raw of input.custom_fields as unknown[]) {
        const cf = asObject(raw);
        const def = tenant.customFields.find((f) => f.id === String(cf.id));
        if (!def) continue; // validated before
        contact.custom.set(def.id, coerceCustomContent(def, cf.content));
      }
    }
    contact.update_time = this.isoNow();
  }

  private renderContact(
    tenant: KeapTenant,
    c: StoredContact,
    fields?: string[],
  ): Record<string, unknown> {
    const wanted = fields && fields.length > 0 ? fields : DEFAULT_CONTACT_FIELDS;
    const unknown = wanted.filter((f) => !ALL_CONTACT_FIELDS.includes(f));
    if (unknown.length > 0) throw KeapApiError.badRequest(`Invalid fields: ${unknown.join(',')}`);
    const full: Record<string, unknown> = {
      id: c.id,
      ...c.scalars,
      email_addresses: c.email_addresses.map((e) => ({ ...e })),
      phone_numbers: c.phone_numbers.map((p) => ({ ...p })),
      fax_numbers: (c.fax_numbers ?? []).map((f) => ({ ...f })),
      addresses: c.addresses.map((a) => ({ ...a })),
      ...(c.company ? { company: { ...c.company } } : {}),
      custom_fields: tenant.customFields.map((f) => ({
        id: f.id,
        content: c.custom.get(f.id) ?? null,
      })),
      tag_ids: [...(tenant.applied.get(c.id)?.keys() ?? [])],
      create_time: c.create_time,
      update_time: c.update_time,
    };
    const out: Record<string, unknown> = {};
    for (const f of wanted) if (full[f] !== undefined) out[f] = full[f];
    return out;
  }

  // ---------------------------------------------------------------- tags

  listTags(
    tenant: KeapTenant,
    query: { filter?: string; pageSize?: number; pageToken?: string },
  ): { tags: StoredTag[]; next_page_token: string } {
    let tags = [...tenant.tags.values()];
    for (const clause of splitFilter(query.filter)) {
      if (clause.key === 'name' && clause.op === '==')
        tags = tags.filter((t) => wildcardMatch(t.name, clause.value));
      else if (clause.key === 'tag_ids' && clause.op === '==') {
        const ids = clause.value.split(',');
        tags = tags.filter((t) => ids.includes(t.id));
      } else throw KeapApiError.badRequest(`Invalid filter: ${clause.key}`);
    }
    const page = paginate(tags, query.pageSize, query.pageToken);
    return { tags: page.items.map((t) => ({ ...t })), next_page_token: page.next };
  }

  createTag(tenant: KeapTenant, body: unknown): StoredTag {
    const input = asObject(body);
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name) throw KeapApiError.badRequest('Tag name is required');
    if (name.length > 100) throw KeapApiError.badRequest('Tag name is longer than 100 characters');
    const now = this.isoNow();
    const tag: StoredTag = {
      id: String(tenant.nextId++),
      name,
      ...(typeof input.description === 'string' ? { description: input.description } : {}),
      ...(input.category ? { category: { id: String(asObject(input.category).id) } } : {}),
      create_time: now,
      update_time: now,
    };
    tenant.tags.set(tag.id, tag);
    return { ...tag };
  }

  /**
   * Applies a tag to each of `contact_ids`, answering a status per contact: `SUCCESS` (applied
   * now), `DUPLICATE` (it had the tag, which keeps its applied time) or `FAILURE` (no such
   * contact, or refused through `refuseTagApplies`). The spec types the statuses only as strings
   * and names no failure value; `FAILURE` is the counterpart of Keap's `SUCCESS` (the client
   * takes any status but those two as a failure of that contact, so the exact word is not relied on).
   */
  applyTag(tenant: KeapTenant, tagId: string, body: unknown): { results: Record<string, string> } {
    if (!tenant.tags.has(tagId)) throw KeapApiError.notFound('tag', tagId);
    const ids = asObject(body).contact_ids;
    if (!Array.isArray(ids) || ids.length === 0)
      throw KeapApiError.badRequest('contact_ids is required');
    const results: Record<string, string> = {};
    for (const raw of ids) {
      const id = String(raw);
      if (!tenant.contacts.has(id) || this.takeTagRefusal(tenant, id, tagId)) {
        results[id] = 'FAILURE';
        continue;
      }
      const applied = tenant.applied.get(id) ?? new Map<string, string>();
      results[id] = applied.has(tagId) ? 'DUPLICATE' : 'SUCCESS';
      if (!applied.has(tagId)) applied.set(tagId, this.isoNow());
      tenant.applied.set(id, applied);
    }
    return { results };
  }

  private takeTagRefusal(tenant: KeapTenant, contactId: string, tagId: string): boolean {
    const key = `${tenant.id}:${contactId}`;
    const refusal = this.tagRefusals.get(key);
    if (!refusal || (refusal.tagId !== undefined && refusal.tagId !== tagId)) return false;
    refusal.count -= 1;
    if (refusal.count <= 0) this.tagRefusals.delete(key);
    return true;
  }

  tagsOf(
    tenant: KeapTenant,
    contactId: string,
  ): { id: string; name: string; applied_time: string }[] {
    return [...(tenant.applied.get(contactId)?.entries() ?? [])].map(([tagId, at]) => ({
      id: tagId,
      name: tenant.tags.get(tagId)?.name ?? '',
      applied_time: at,
    }));
  }

  // ---------------------------------------------------------------- goals

  /**
   * The spec's achieveGoal: `contact_id` and EITHER `integration` + `call_name` OR `automation_id`
   * + `goal_id`. Every ask is recorded (Keap would run the campaigns waiting on that goal).
   */
  achieveGoal(tenant: KeapTenant, body: unknown): { results: Record<string, unknown>[] } {
    const input = asObject(body);
    const contactId = input.contact_id;
    if (!Number.isSafeInteger(contactId) || (contactId as number) <= 0)
      throw KeapApiError.badRequest('contact_id is required and must be a contact id');
    const has = (k: string) => input[k] !== undefined && input[k] !== null;
    const byName = has('integration') || has('call_name');
    const byId = has('automation_id') || has('goal_id');
    if (byName === byId)
      throw KeapApiError.badRequest(
        'Provide either integration and call_name, or automation_id and goal_id',
      );
    const name = (k: string) => (typeof input[k] === 'string' ? input[k].trim() : '');
    const id = (k: string) => (Number.isSafeInteger(input[k]) ? (input[k] as number) : 0);
    if (byName && (name('integration') === '' || name('call_name') === ''))
      throw KeapApiError.badRequest('integration and call_name are both required');
    if (byId && (id('automation_id') <= 0 || id('goal_id') <= 0))
      throw KeapApiError.badRequest('automation_id and goal_id are both required');
    const contact = this.findContact(tenant, String(contactId));
    const goal: AchievedGoal = {
      contact_id: contact.id,
      integration: byName ? name('integration') : null,
      call_name: byName ? name('call_name') : null,
      automation_id: byId ? id('automation_id') : null,
      goal_id: byId ? id('goal_id') : null,
      achieved_time: this.isoNow(),
    };
    this.goals.set(tenant.id, [...(this.goals.get(tenant.id) ?? []), goal]);
    return {
      results: [
        {
          success: true,
          message: 'Goal achieved successfully',
          ...(byId ? { automation_id: goal.automation_id, goal_id: goal.goal_id } : {}),
          flow_start_results: [],
          flow_stop_results: [],
        },
      ],
    };
  }

  /** The goals achieved in a tenant, oldest first; of one contact when `contactId` is given. */
  goalsOf(tenant: KeapTenant, contactId?: string): AchievedGoal[] {
    return (this.goals.get(tenant.id) ?? [])
      .filter((g) => contactId === undefined || g.contact_id === contactId)
      .map((g) => ({ ...g }));
  }

  /** Goals of the contacts (in any tenant) with this phone number: the phone simulator's view. */
  goalsOfPhone(phone: string): (AchievedGoal & { tenant_id: string })[] {
    const wanted = toE164(phone) ?? phone;
    return [...this.tenants.values()].flatMap((tenant) =>
      this.goalsOf(tenant)
        .filter((g) =>
          tenant.contacts
            .get(g.contact_id)
            ?.phone_numbers.some((p) => (p.number_e164 ?? toE164(p.number)) === wanted),
        )
        .map((g) => ({ ...g, tenant_id: tenant.id })),
    );
  }

  // ---------------------------------------------------------------- notes

  createNote(tenant: KeapTenant, contactId: string, body: unknown): StoredNote {
    this.findContact(tenant, contactId);
    const input = asObject(body);
    const userId = input.user_id === undefined ? '' : String(input.user_id);
    if (!tenant.users.some((u) => u.id === userId))
      throw KeapApiError.badRequest(`Invalid user_id: ${userId || '(missing)'}`);
    const now = this.isoNow();
    const note: StoredNote = {
      id: String(tenant.nextId++),
      contact_id: contactId,
      user_id: userId,
      ...(typeof input.title === 'string' ? { title: input.title } : {}),
      ...(typeof input.text === 'string' ? { text: input.text } : {}),
      type: typeof input.type === 'string' ? input.type : 'Other',
      create_time: now,
      update_time: now,
    };
    tenant.notes.set(note.id, note);
    return note;
  }

  getNote(tenant: KeapTenant, contactId: string, noteId: string): StoredNote {
    const note = tenant.notes.get(noteId);
    if (!note || note.contact_id !== contactId) throw KeapApiError.notFound('note', noteId);
    return note;
  }

  updateNote(
    tenant: KeapTenant,
    contactId: string,
    noteId: string,
    body: unknown,
    mask?: string[],
  ): StoredNote {
    const note = this.getNote(tenant, contactId, noteId);
    const input = asObject(body);
    const touches = (prop: string): boolean =>
      input[prop] !== undefined && (!mask || mask.includes(prop));
    if (touches('title')) note.title = String(input.title);
    if (touches('text')) note.text = String(input.text);
    if (touches('type')) note.type = String(input.type);
    note.update_time = this.isoNow();
    return note;
  }

  /** `filter` supports the spec's `title==` (contains; `title==Follow*` is a prefix match). */
  listNotes(
    tenant: KeapTenant,
    contactId: string,
    query: { pageSize?: number; pageToken?: string; filter?: string },
  ): { notes: StoredNote[]; next_page_token: string } {
    this.findContact(tenant, contactId);
    const title = noteTitleFilter(query.filter);
    const notes = [...tenant.notes.values()].filter(
      (n) => n.contact_id === contactId && (title === null || title(n.title ?? '')),
    );
    const page = paginate(notes, query.pageSize, query.pageToken);
    return { notes: page.items, next_page_token: page.next };
  }

  renderNote(note: StoredNote): Record<string, unknown> {
    const { user_id, ...rest } = note;
    return { ...rest, created_by_user_id: user_id, last_updated_by_user_id: user_id };
  }

  // ---------------------------------------------------------------- control views

  /** Contacts as a person reads them: merge-field-like names, tags by name, for the control API. */
  describeContacts(tenant: KeapTenant): Record<string, unknown>[] {
    return [...tenant.contacts.values()].map((c) => ({
      id: c.id,
      given_name: c.scalars.given_name ?? null,
      family_name: c.scalars.family_name ?? null,
      company: c.company?.company_name ?? null,
      emails: Object.fromEntries(c.email_addresses.map((e) => [e.field, e.email])),
      phones: Object.fromEntries(
        c.phone_numbers.map((p) => [p.field, { number: p.number, type: p.type ?? null }]),
      ),
      custom_fields: Object.fromEntries(
        tenant.customFields.map((f) => [f.field_name, c.custom.get(f.id) ?? null]),
      ),
      tags: this.tagsOf(tenant, c.id).map((t) => t.name),
      goals: this.goalsOf(tenant, c.id).map((g) => ({
        integration: g.integration,
        call_name: g.call_name,
        achieved_time: g.achieved_time,
      })),
      notes: [...tenant.notes.values()]
        .filter((n) => n.contact_id === c.id)
        .map((n) => ({ id: n.id, title: n.title ?? '', text: n.text ?? '' })),
    }));
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }
}

// ------------------------------------------------------------------ helpers

interface KeapFault {
  status: number;
  count: number;
  afterApplying?: boolean;
  drop?: boolean;
  operations?: string[];
}

function faultCovers(fault: KeapFault, operation: string): boolean {
  return !fault.operations || fault.operations.includes(operation);
}

function noteTitleFilter(filter: string | undefined): ((title: string) => boolean) | null {
  if (!filter) return null;
  const parts = filter.split(';').map((p) => p.trim());
  const unsupported = parts.find((p) => !p.startsWith('title=='));
  if (unsupported) throw KeapApiError.badRequest(`Unsupported note filter: ${unsupported}`);
  const values = parts.map((p) => p.slice('title=='.length));
  return (title) =>
    values.every((v) => (v.endsWith('*') ? title.startsWith(v.slice(0, -1)) : title.includes(v)));
}

function emptyCounts(): KeapCallCounts {
  return { total: 0, throttled: 0, byOperation: {}, byTenant: {} };
}

function token(): string {
  return randomBytes(24).toString('base64url');
}

/** A slot listed twice in one write holds what was listed last. */
function lastPerSlot<T extends { field: string }>(item: T, index: number, list: T[]): boolean {
  return !list.slice(index + 1).some((later) => later.field === item.field);
}

function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw KeapApiError.badRequest('Expected a JSON object');
  return value as Record<string, unknown>;
}

/** The label's letters and digits (Keap's database names have no others), numbered if taken. */
function uniqueFieldName(tenant: KeapTenant, label: string): string {
  const base = label.replace(/[^A-Za-z0-9]/g, '').replace(/^(?=\d)/, 'Field') || 'Field';
  const taken = (name: string) =>
    tenant.customFields.some((f) => f.field_name.toLowerCase() === name.toLowerCase());
  let name = base;
  for (let n = 1; taken(name); n += 1) name = `${base}${n}`;
  return name;
}

function validateContactBody(tenant: KeapTenant, input: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(input)) {
    if (key in SCALAR_PROPERTIES) {
      if (value !== null && typeof value !== 'string')
        throw KeapApiError.badRequest(`${key} must be a string`);
      if (typeof value === 'string' && value.length > (SCALAR_PROPERTIES[key] ?? 0)) {
        throw KeapApiError.badRequest(`${key} is longer than ${SCALAR_PROPERTIES[key]} characters`);
      }
    } else if (!(LIST_PROPERTIES as readonly string[]).includes(key) && key !== 'origin') {
      throw KeapApiError.badRequest(`Unknown contact property: ${key}`);
    }
  }
  for (const [key, allowed] of [
    ['email_addresses', EMAIL_FIELDS],
    ['phone_numbers', PHONE_FIELDS],
    ['fax_numbers', FAX_FIELDS],
  ] as const) {
    if (input[key] === undefined) continue;
    if (!Array.isArray(input[key])) throw KeapApiError.badRequest(`${key} must be an array`);
    for (const raw of input[key] as unknown[]) {
      const item = asObject(raw);
      if (item.field === undefined || !allowed.includes(String(item.field))) {
        throw KeapApiError.badRequest(`${key}.field must be one of ${allowed.join(', ')}`);
      }
      if (key === 'email_addresses' && item.email && !EMAIL_PATTERN.test(String(item.email))) {
        throw KeapApiError.badRequest(`Invalid email address: ${String(item.email)}`);
      }
    }
  }
  if (input.custom_fields !== undefined) {
    if (!Array.isArray(input.custom_fields))
      throw KeapApiError.badRequest('custom_fields must be an array');
    for (const raw of input.custom_fields as unknown[]) {
      const cf = asObject(raw);
      const def = tenant.customFields.find((f) => f.id === String(cf.id));
      if (!def) throw KeapApiError.badRequest(`Unknown custom field id: ${String(cf.id)}`);
      coerceCustomContent(def, cf.content);
    }
  }
}

function coerceCustomContent(def: KeapCustomFieldDef, content: unknown): string | number | null {
  if (content === null || content === undefined || content === '') return null;
  if (def.field_type === 'WHOLE_NUMBER') {
    const n = Number(content);
    if (!Number.isInteger(n))
      throw KeapApiError.badRequest(`${def.label} takes a whole number, not "${String(content)}"`);
    return n;
  }
  if (def.field_type === 'DECIMAL_NUMBER' || def.field_type === 'CURRENCY') {
    const n = Number(content);
    if (!Number.isFinite(n))
      throw KeapApiError.badRequest(`${def.label} takes a number, not "${String(content)}"`);
    return n;
  }
  if (
    def.field_type === 'DROPDOWN' &&
    def.options &&
    !def.options.some((o) => o.label === String(content) || o.id === String(content))
  ) {
    throw KeapApiError.badRequest(
      `${def.label} takes one of: ${def.options.map((o) => o.label).join(', ')}`,
    );
  }
  return String(content);
}

interface FilterClause {
  key: string;
  op: string;
  value: string;
}

function splitFilter(filter: string | undefined): FilterClause[] {
  if (!filter) return [];
  return filter
    .split(';')
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const m = /^([A-Za-z0-9_]+)(==|>=|<=|>|<)(.*)$/.exec(part.trim());
      if (!m) throw KeapApiError.badRequest(`Invalid filter: ${part}`);
      return { key: m[1] ?? '', op: m[2] ?? '', value: m[3] ?? '' };
    });
}

function wildcardMatch(actual: string, pattern: string): boolean {
  if (pattern.endsWith('*'))
    return actual.toLowerCase().startsWith(pattern.slice(0, -1).toLowerCase());
  return actual.toLowerCase() === pattern.toLowerCase();
}

type ContactPredicate = (c: StoredContact) => boolean;

function parseContactFilter(tenant: KeapTenant, filter: string | undefined): ContactPredicate[] {
  const clauses = splitFilter(filter);
  const phoneFields = clauses.find((c) => c.key === 'phone_fields');
  const predicates: ContactPredicate[] = [];
  for (const clause of clauses) {
    const { key, op, value } = clause;
    const eqOnly = (): void => {
      if (op !== '==') throw KeapApiError.badRequest(`Filter ${key} supports == only`);
    };
    switch (key) {
      case 'email':
        eqOnly();
        predicates.push((c) => c.email_addresses.some((e) => wildcardMatch(e.email, value)));
        break;
      case 'given_name':
      case 'family_name':
      case 'middle_name':
        eqOnly();
        predicates.push((c) => wildcardMatch(c.scalars[key] ?? '', value));
        break;
      case 'ids':
      case 'contact_ids': {
        eqOnly();
        const ids = value.split(',').map((id) => id.trim());
        const bad = ids.filter((id) => !/^[0-9]{1,15}$/.test(id));
        if (bad.length > 0)
          throw KeapApiError.badRequest(
            `Invalid filter ${key}: contact ids are whole numbers separated by commas, not ${bad.map((b) => `"${b}"`).join(', ')}`,
          );
        const wanted = new Set(ids.map((id) => String(Number(id))));
        predicates.push((c) => wanted.has(c.id));
        break;
      }
      case 'contact_id': {
        const n = Number(value);
        predicates.push((c) => compare(Number(c.id), op, n));
        break;
      }
      case 'phone_fields': {
        eqOnly();
        const bad = value.split(',').filter((f) => !PHONE_FIELDS.includes(f));
        if (bad.length > 0) throw KeapApiError.badRequest(`Invalid phone_fields: ${bad.join(',')}`);
        break;
      }
      case 'phone_number': {
        eqOnly();
        if (!phoneFields)
          throw KeapApiError.badRequest('phone_fields is required when phone_number is supplied');
        const fields = phoneFields.value.split(',');
        const wanted = toE164(value) ?? value.replace(/\D/g, '');
        predicates.push((c) =>
          c.phone_numbers.some(
            (p) =>
              fields.includes(p.field) && (p.number_e164 ?? p.number.replace(/\D/g, '')) === wanted,
          ),
        );
        break;
      }
      default: {
        const def = tenant.customFields.find(
          (f) => f.field_name.toLowerCase() === key.toLowerCase(),
        );
        if (!def) throw KeapApiError.badRequest(`Invalid filter field: ${key}`);
        const numeric = ['WHOLE_NUMBER', 'DECIMAL_NUMBER', 'CURRENCY'].includes(def.field_type);
        if (!numeric) eqOnly();
        predicates.push((c) => {
          const content = c.custom.get(def.id);
          if (content === null || content === undefined) return false;
          return numeric
            ? compare(Number(content), op, Number(value))
            : wildcardMatch(String(content), value);
        });
      }
    }
  }
  return predicates;
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    default:
      return a <= b;
  }
}

function orderContacts(contacts: StoredContact[], orderBy: string | undefined): StoredContact[] {
  if (!orderBy) return contacts;
  const [field, direction = 'asc'] = orderBy.trim().split(/\s+/);
  const key = (c: StoredContact): string | number =>
    field === 'id'
      ? Number(c.id)
      : field === 'email'
        ? (c.email_addresses[0]?.email ?? '')
        : field === 'create_time'
          ? c.create_time
          : c.update_time;
  if (!['id', 'email', 'create_time', 'update_time'].includes(field ?? ''))
    throw KeapApiError.badRequest(`Invalid order_by: ${orderBy}`);
  const sorted = [...contacts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return direction.toLowerCase() === 'desc' ? sorted.reverse() : sorted;
}

/** Keap's paging: an opaque page token, and an empty next_page_token on the last page. */
function paginate<T>(
  items: T[],
  pageSize: number | undefined,
  pageToken: string | undefined,
): { items: T[]; next: string } {
  const size = pageSize && pageSize > 0 ? Math.min(pageSize, 1000) : 1000;
  let offset = 0;
  if (pageToken) {
    const decoded = Number(
      Buffer.from(pageToken, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(decoded) || decoded < 0)
      throw KeapApiError.badRequest('Invalid page_token');
    offset = decoded;
  }
  const slice = items.slice(offset, offset + size);
  const nextOffset = offset + size;
  return {
    items: slice,
    next:
      nextOffset < items.length ? Buffer.from(`offset:${nextOffset}`).toString('base64url') : '',
  };
}
