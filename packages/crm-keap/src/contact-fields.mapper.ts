import type { ContactFieldKey, ContactSnapshot } from '@sms-seq/engine';
import { KeapUnknownFieldError } from './errors';
import type {
  KeapAddress,
  KeapContact,
  KeapContactModel,
  KeapContactWrite,
  KeapCustomFieldDefinition,
  KeapEmailField,
  KeapFaxField,
  KeapFaxNumber,
  KeapPhoneField,
  KeapPhoneNumber,
} from './keap.types';

/**
 * The product names contact fields by Keap merge-field keys (`FirstName`, `Email`, `Phone1`,
 * `_FavoriteColor`); REST v2 nests them (`given_name`, `email_addresses[field=EMAIL1]`,
 * `custom_fields[id]`). This file is the only place that knows both vocabularies.
 */

type ScalarProperty =
  | 'given_name'
  | 'family_name'
  | 'middle_name'
  | 'preferred_name'
  | 'prefix'
  | 'suffix'
  | 'job_title'
  | 'website'
  | 'birth_date'
  | 'anniversary_date'
  | 'spouse_name'
  | 'contact_type'
  | 'time_zone'
  | 'leadsource_id';

const SCALAR_KEYS: Record<string, ScalarProperty> = {
  FirstName: 'given_name',
  LastName: 'family_name',
  MiddleName: 'middle_name',
  Nickname: 'preferred_name',
  Title: 'prefix',
  Suffix: 'suffix',
  JobTitle: 'job_title',
  Website: 'website',
  Birthday: 'birth_date',
  Anniversary: 'anniversary_date',
  SpouseName: 'spouse_name',
  ContactType: 'contact_type',
  TimeZone: 'time_zone',
  // v2 keeps the lead source's id only; the legacy `Leadsource` (its name) is not on the contact.
  LeadSourceId: 'leadsource_id',
};

const EMAIL_KEYS: Record<string, KeapEmailField> = {
  Email: 'EMAIL1',
  EmailAddress2: 'EMAIL2',
  EmailAddress3: 'EMAIL3',
};

const PHONE_NUMBER_KEYS: Record<string, KeapPhoneField> = {
  Phone1: 'PHONE1',
  Phone2: 'PHONE2',
  Phone3: 'PHONE3',
  Phone4: 'PHONE4',
  Phone5: 'PHONE5',
};
const PHONE_TYPE_KEYS: Record<string, KeapPhoneField> = Object.fromEntries(
  Object.entries(PHONE_NUMBER_KEYS).map(([key, field]) => [`${key}Type`, field]),
);
const PHONE_EXT_KEYS: Record<string, KeapPhoneField> = Object.fromEntries(
  Object.entries(PHONE_NUMBER_KEYS).map(([key, field]) => [`${key}Ext`, field]),
);

const FAX_NUMBER_KEYS: Record<string, KeapFaxField> = { Fax1: 'FAX1', Fax2: 'FAX2' };
const FAX_TYPE_KEYS: Record<string, KeapFaxField> = { Fax1Type: 'FAX1', Fax2Type: 'FAX2' };

type AddressPart = Exclude<keyof KeapAddress, 'field'>;
type AddressSlot = 'BILLING' | 'SHIPPING' | 'OTHER';

/**
 * Keap's three addresses as the legacy merge fields name their parts: address 1 is the billing
 * address (`StreetAddress1`, `City`, `ZipFour1`, ...), address 2 the shipping address
 * (`Address2Street1`, `City2`, ...), address 3 the other one (`Address3Street1`, `City3`, ...).
 */
const ADDRESS_SLOTS: Record<AddressSlot, Record<string, AddressPart>> = {
  BILLING: {
    StreetAddress1: 'line1',
    StreetAddress2: 'line2',
    City: 'locality',
    State: 'region_code',
    PostalCode: 'postal_code',
    ZipFour1: 'zip_four',
    Country: 'country_code',
  },
  SHIPPING: {
    Address2Street1: 'line1',
    Address2Street2: 'line2',
    City2: 'locality',
    State2: 'region_code',
    PostalCode2: 'postal_code',
    ZipFour2: 'zip_four',
    Country2: 'country_code',
  },
  OTHER: {
    Address3Street1: 'line1',
    Address3Street2: 'line2',
    City3: 'locality',
    State3: 'region_code',
    PostalCode3: 'postal_code',
    ZipFour3: 'zip_four',
    Country3: 'country_code',
  },
};
const ADDRESS_KEYS: Record<string, { slot: AddressSlot; part: AddressPart }> = Object.fromEntries(
  (Object.entries(ADDRESS_SLOTS) as [AddressSlot, Record<string, AddressPart>][]).flatMap(
    ([slot, parts]) => Object.entries(parts).map(([key, part]) => [key, { slot, part }]),
  ),
);

/** The v2 `fields` a sequence needs to fill its snapshot. */
export const SEQUENCE_CONTACT_FIELDS = [
  'id',
  'given_name',
  'family_name',
  'middle_name',
  'preferred_name',
  'prefix',
  'suffix',
  'job_title',
  'website',
  'birth_date',
  'anniversary_date',
  'spouse_name',
  'contact_type',
  'time_zone',
  'company',
  'email_addresses',
  'phone_numbers',
  'fax_numbers',
  'addresses',
  'leadsource_id',
  'custom_fields',
] as const;

/** Phone type written with a number when the caller names none: we store numbers that texted us. */
export const DEFAULT_PHONE_TYPE = 'Mobile';

export function customFieldKey(def: KeapCustomFieldDefinition): ContactFieldKey | null {
  return def.field_name ? `_${def.field_name}` : null;
}

/** Keap v2 contact JSON → the snapshot the engine keeps with a conversation. */
export function toContactSnapshot(contact: KeapContact, model: KeapContactModel): ContactSnapshot {
  const fields: Record<string, string | number | null> = {};
  for (const [key, prop] of Object.entries(SCALAR_KEYS)) {
    const value = contact[prop];
    if (value !== undefined) fields[key] = value || null;
  }
  if (contact.company) fields.Company = contact.company.company_name || null;
  for (const [key, slot] of Object.entries(EMAIL_KEYS)) {
    const email = contact.email_addresses?.find((e) => e.field === slot);
    if (contact.email_addresses) fields[key] = email?.email ?? null;
  }
  for (const [key, slot] of Object.entries(PHONE_NUMBER_KEYS)) {
    if (!contact.phone_numbers) break;
    const phone = contact.phone_numbers.find((p) => p.field === slot);
    fields[key] = phone?.number ?? null;
    fields[`${key}Type`] = phone?.type ?? null;
    fields[`${key}Ext`] = phone?.extension ?? null;
  }
  if (contact.fax_numbers) {
    for (const [key, slot] of Object.entries(FAX_NUMBER_KEYS)) {
      const fax = contact.fax_numbers.find((f) => f.field === slot);
      fields[key] = fax?.number || null;
      fields[`${key}Type`] = fax?.type || null;
    }
  }
  if (contact.addresses) {
    for (const [key, { slot, part }] of Object.entries(ADDRESS_KEYS))
      fields[key] = addressIn(contact.addresses, slot)?.[part] || null;
  }
  if (contact.custom_fields) {
    for (const def of model.custom_fields) {
      const key = customFieldKey(def);
      if (!key) continue;
      const content = contact.custom_fields.find((c) => c.id === def.id)?.content;
      fields[key] = typeof content === 'number' || typeof content === 'string' ? content : null;
    }
  }
  return { id: Number(contact.id), fields, timeZone: contact.time_zone ?? null };
}

export interface ContactWritePlan {
  body: KeapContactWrite;
  /** The top-level properties the body sets, for PATCH's update_mask. */
  updateMask: string[];
}

/**
 * Field updates by merge-field key → a v2 POST/PATCH body. `current` (the contact as read, with
 * the lists `contactListsWritten` names) lets one email address, phone number, fax number or
 * address part be changed without Keap removing the others; without it only the changed items
 * are listed, which is right for a new contact only.
 */
export function toContactWrite(
  updates: Record<ContactFieldKey, string>,
  model: KeapContactModel,
  current?: KeapContact,
): ContactWritePlan {
  const body: KeapContactWrite = {};
  const emails = new Map<KeapEmailField, string>();
  const phones = new Map<KeapPhoneField, { number?: string; type?: string; extension?: string }>();
  const addresses = new Map<AddressSlot, KeapAddress>();
  const faxes = new Map<KeapFaxField, { number?: string; type?: string }>();
  const custom: { id: string; content: string | number | null }[] = [];

  for (const [key, raw] of Object.entries(updates)) {
    const value = raw.trim();
    const phoneOf = (field: KeapPhoneField) =>
      phones.get(field) ?? phones.set(field, {}).get(field)!;
    if (SCALAR_KEYS[key]) body[SCALAR_KEYS[key]] = value;
    else if (key === 'Company') body.company = { company_name: value };
    else if (EMAIL_KEYS[key]) emails.set(EMAIL_KEYS[key], value);
    else if (PHONE_NUMBER_KEYS[key]) phoneOf(PHONE_NUMBER_KEYS[key]).number = value;
    else if (PHONE_TYPE_KEYS[key]) phoneOf(PHONE_TYPE_KEYS[key]).type = value;
    else if (PHONE_EXT_KEYS[key]) phoneOf(PHONE_EXT_KEYS[key]).extension = value;
    else if (FAX_NUMBER_KEYS[key]) faxOf(faxes, FAX_NUMBER_KEYS[key]).number = value;
    else if (FAX_TYPE_KEYS[key]) faxOf(faxes, FAX_TYPE_KEYS[key]).type = value;
    else if (ADDRESS_KEYS[key]) {
      const { slot, part } = ADDRESS_KEYS[key];
      const address =
        addresses.get(slot) ??
        addresses
          .set(slot, { ...(current?.addresses && addressIn(current.addresses, slot)), field: slot })
          .get(slot)!;
      address[part] = value;
    } else if (key.startsWith('_')) {
      const def = model.custom_fields.find(
        (f) => customFieldKey(f)?.toLowerCase() === key.toLowerCase(),
      );
      if (!def) throw new KeapUnknownFieldError(key);
      custom.push({ id: def.id, content: customContent(def, value) });
    } else throw new KeapUnknownFieldError(key);
  }

  // Keap replaces these lists whole ("any item not listed here will be removed if it already
  // exists"): the email addresses, phone numbers, addresses and fax numbers not changed are sent
  // back as they were read, and an emptied email address or number is left out, which removes it.
  if (emails.size > 0) {
    body.email_addresses = listSlots(current?.email_addresses, emails).flatMap((field) => {
      const email =
        emails.get(field) ?? current?.email_addresses?.find((e) => e.field === field)?.email ?? '';
      return email ? [{ email, field }] : [];
    });
  }
  if (phones.size > 0) {
    body.phone_numbers = listSlots(current?.phone_numbers, phones).flatMap(
      (field): KeapPhoneNumber[] => {
        const existing = current?.phone_numbers?.find((p) => p.field === field);
        const change = phones.get(field);
        const number = change?.number ?? existing?.number ?? '';
        if (!number) return [];
        // A number we write gets a type (we store numbers that texted us); one left as it was keeps
        // what it had.
        const type = change
          ? (change.type ?? existing?.type ?? DEFAULT_PHONE_TYPE)
          : existing?.type;
        const extension = change?.extension ?? existing?.extension;
        return [{ field, number, ...(type ? { type } : {}), ...(extension ? { extension } : {}) }];
      },
    );
  }
  if (addresses.size > 0) {
    const untouched = (current?.addresses ?? []).filter(
      (a) => !addresses.has(slotOf(a) ?? ('' as AddressSlot)),
    );
    body.addresses = [...untouched, ...addresses.values()];
  }
  if (faxes.size > 0) {
    body.fax_numbers = listSlots(current?.fax_numbers, faxes).flatMap((field): KeapFaxNumber[] => {
      const existing = current?.fax_numbers?.find((f) => f.field === field);
      const change = faxes.get(field) ?? {};
      const number = change.number ?? existing?.number ?? '';
      // An emptied fax number is left out, which removes it.
      if (!number) return [];
      const type = change.type ?? existing?.type;
      return [{ field, number, ...(type ? { type } : {}) }];
    });
  }
  // custom_fields too is "replaced whole" by the spec's words, but Keap merges custom fields by id
  // in practice (a field left out keeps its value), so only the changed ones are sent: sending
  // them all would cost a read of every custom field and could write back stale values. Decided
  // deliberately; revisit if Keap starts to remove unlisted custom fields.
  if (custom.length > 0) body.custom_fields = custom;
  return { body, updateMask: Object.keys(body) };
}

/**
 * The slots a whole-list write sends, in order: those the contact has now and those changed (a
 * list Keap replaces whole keeps the untouched ones only if they are sent again).
 */
function listSlots<F extends string>(
  now: readonly { field?: F | null }[] | undefined,
  changed: ReadonlyMap<F, unknown>,
): F[] {
  const slots = new Set<F>([
    ...(now ?? []).flatMap((e) => (e.field ? [e.field] : [])),
    ...changed.keys(),
  ]);
  return [...slots].sort();
}

/** Numbers go to numeric custom fields as numbers; what does not parse is left for Keap to refuse. */
function customContent(def: KeapCustomFieldDefinition, value: string): string | number | null {
  if (value === '') return null;
  if (
    ['WHOLE_NUMBER', 'DECIMAL_NUMBER', 'CURRENCY', 'PERCENT', 'YEAR'].includes(def.field_type ?? '')
  ) {
    const n = Number(value.replace(/[$,\s]/g, ''));
    return Number.isFinite(n) ? n : value;
  }
  return value;
}

/** An address's slot; one without a field (or "unspecified") counts as the billing address. */
function slotOf(address: KeapAddress): AddressSlot | undefined {
  if (address.field === 'SHIPPING' || address.field === 'OTHER') return address.field;
  return address.field === 'BILLING' ||
    !address.field ||
    address.field === 'ADDRESS_FIELD_UNSPECIFIED'
    ? 'BILLING'
    : undefined;
}

function addressIn(addresses: KeapAddress[], slot: AddressSlot): KeapAddress | undefined {
  return addresses.find((a) => a.field === slot) ?? addresses.find((a) => slotOf(a) === slot);
}

function faxOf(
  faxes: Map<KeapFaxField, { number?: string; type?: string }>,
  field: KeapFaxField,
): { number?: string; type?: string } {
  return faxes.get(field) ?? faxes.set(field, {}).get(field)!;
}

/** The contact's lists that Keap replaces whole and that the mapper writes back with a change. */
export type ContactListProperty = 'email_addresses' | 'phone_numbers' | 'fax_numbers' | 'addresses';

function listOf(key: ContactFieldKey): ContactListProperty | undefined {
  if (EMAIL_KEYS[key]) return 'email_addresses';
  if (PHONE_NUMBER_KEYS[key] || PHONE_TYPE_KEYS[key] || PHONE_EXT_KEYS[key]) return 'phone_numbers';
  if (FAX_NUMBER_KEYS[key] || FAX_TYPE_KEYS[key]) return 'fax_numbers';
  if (ADDRESS_KEYS[key]) return 'addresses';
  return undefined;
}

/**
 * The lists a write of these keys sends back whole (an email address, a phone number or its type
 * or extension, a fax number, an address part), so the contact must be known with them: without
 * them in `current`, the other items of the list would be removed by Keap.
 */
export function contactListsWritten(keys: Iterable<ContactFieldKey>): ContactListProperty[] {
  const lists = new Set<ContactListProperty>();
  for (const key of keys) {
    const list = listOf(key);
    if (list) lists.add(list);
  }
  return [...lists].sort();
}

/** Whether writing these keys needs the contact as it is (see `contactListsWritten`). */
export function writeNeedsCurrentContact(keys: Iterable<ContactFieldKey>): boolean {
  return contactListsWritten(keys).length > 0;
}
