import type { KeapCustomFieldDef, KeapTenant, StoredContact } from './keap-sandbox';
import { toE164 } from './keap-phone';

/** A tenant user's global id: distinct from its id in the app, as in Keap. */
export function globalUserId(tenantId: string): string {
  let h = 0;
  for (const ch of tenantId) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000;
  return String(9_000_000 + h);
}

/** Tenant ids as Keap names apps (the `xy123` in xy123.infusionsoft.com). */
export const DEMO_TENANT_ID = 'sb101';
export const SECOND_TENANT_ID = 'sb202';

/** The tags the product's options point at, plus two a "let me decide" demo uses. */
export const DEMO_TAG_NAMES = [
  'SMS: Opted out',
  'SMS: Invalid number',
  'Interested',
  'Not interested',
];

const DEMO_CUSTOM_FIELDS: Omit<KeapCustomFieldDef, 'id'>[] = [
  {
    label: 'Favorite Color',
    field_name: 'FavoriteColor',
    field_type: 'TEXT',
    record_type: 'CONTACT',
    group_id: '1',
    group_name: 'SMS',
  },
  {
    label: 'Budget',
    field_name: 'Budget',
    field_type: 'WHOLE_NUMBER',
    record_type: 'CONTACT',
    group_id: '1',
    group_name: 'SMS',
  },
];

interface ContactSeed {
  given: string;
  family: string;
  email?: string;
  phone?: { number: string; type: string };
  company?: string;
  custom?: Record<string, string | number>;
}

const DEMO_CONTACTS: ContactSeed[] = [
  {
    given: 'Ada',
    family: 'Lovelace',
    email: 'ada@example.com',
    phone: { number: '+14155550101', type: 'Mobile' },
    company: 'Analytical Engines',
    custom: { FavoriteColor: 'Blue', Budget: 1200 },
  },
  {
    given: 'Grace',
    family: 'Hopper',
    email: 'grace@example.com',
    phone: { number: '+14155550102', type: 'Mobile' },
  },
  {
    given: 'Alan',
    family: 'Turing',
    email: 'alan@example.com',
    phone: { number: '+14155550103', type: 'Work' },
  },
  { given: 'Katherine', family: 'Johnson', email: 'katherine@example.com' },
];

const SECOND_CONTACTS: ContactSeed[] = [
  {
    given: 'Linus',
    family: 'Pauling',
    email: 'linus@example.org',
    phone: { number: '+14155550201', type: 'Mobile' },
  },
];

/** Two tenants with their own data; the first is the demo account the README walks through. */
export function seedKeapTenants(now: string): KeapTenant[] {
  return [
    buildTenant(
      DEMO_TENANT_ID,
      'Demo Company',
      DEMO_CONTACTS,
      DEMO_TAG_NAMES,
      DEMO_CUSTOM_FIELDS,
      now,
    ),
    buildTenant(SECOND_TENANT_ID, 'Second Company', SECOND_CONTACTS, ['SMS: Opted out'], [], now),
  ];
}

function buildTenant(
  id: string,
  name: string,
  contacts: ContactSeed[],
  tagNames: string[],
  customFields: Omit<KeapCustomFieldDef, 'id'>[],
  now: string,
): KeapTenant {
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
  for (const def of customFields) tenant.customFields.push({ ...def, id: String(tenant.nextId++) });
  for (const tagName of tagNames) {
    const tagId = String(tenant.nextId++);
    tenant.tags.set(tagId, { id: tagId, name: tagName, create_time: now, update_time: now });
  }
  for (const seed of contacts) {
    const contact: StoredContact = {
      id: String(tenant.nextId++),
      scalars: { given_name: seed.given, family_name: seed.family },
      email_addresses: seed.email
        ? [
            {
              email: seed.email,
              field: 'EMAIL1',
              is_opt_in: false,
              email_opt_status: 'UNENGAGED_MARKETABLE',
            },
          ]
        : [],
      phone_numbers: seed.phone
        ? [
            {
              number: seed.phone.number,
              field: 'PHONE1',
              type: seed.phone.type,
              ...optionalE164(seed.phone.number),
            },
          ]
        : [],
      addresses: [],
      custom: new Map(),
      create_time: now,
      update_time: now,
    };
    if (seed.company) contact.company = { id: `co-${contact.id}`, company_name: seed.company };
    for (const [fieldName, value] of Object.entries(seed.custom ?? {})) {
      const def = tenant.customFields.find((f) => f.field_name === fieldName);
      if (def) contact.custom.set(def.id, value);
    }
    tenant.contacts.set(contact.id, contact);
  }
  return tenant;
}

function optionalE164(number: string): { number_e164?: string } {
  const e164 = toE164(number);
  return e164 ? { number_e164: e164 } : {};
}
