import type { ContactFieldKey } from './tool.schema';

/**
 * The standard Keap contact fields, named as Keap's merge fields name them (`~Contact.FirstName~`).
 * Console pickers, merge-field checks and the Keap adapter share this one catalogue.
 * Custom fields are `_` + their name (`_FavoriteColor`) and are listed per account, not here.
 */

export type ContactFieldKind = 'text' | 'email' | 'phone' | 'number' | 'date';

export interface ContactFieldDefinition {
  key: ContactFieldKey;
  label: string;
  kind: ContactFieldKind;
  /** Keap sets it; a reply cannot be saved to it. */
  readOnly?: boolean;
}

export const STANDARD_CONTACT_FIELDS: readonly ContactFieldDefinition[] = [
  { key: 'Id', label: 'Contact Id', kind: 'number', readOnly: true },
  { key: 'Title', label: 'Title (salutation)', kind: 'text' },
  { key: 'FirstName', label: 'First Name', kind: 'text' },
  { key: 'MiddleName', label: 'Middle Name', kind: 'text' },
  { key: 'LastName', label: 'Last Name', kind: 'text' },
  { key: 'Suffix', label: 'Suffix', kind: 'text' },
  { key: 'Nickname', label: 'Nickname', kind: 'text' },
  { key: 'Email', label: 'Email', kind: 'email' },
  { key: 'EmailAddress2', label: 'Email 2', kind: 'email' },
  { key: 'EmailAddress3', label: 'Email 3', kind: 'email' },
  { key: 'Phone1', label: 'Phone 1', kind: 'phone' },
  { key: 'Phone2', label: 'Phone 2', kind: 'phone' },
  { key: 'Phone3', label: 'Phone 3', kind: 'phone' },
  { key: 'Phone4', label: 'Phone 4', kind: 'phone' },
  { key: 'Phone5', label: 'Phone 5', kind: 'phone' },
  { key: 'Fax1', label: 'Fax 1', kind: 'phone' },
  { key: 'Fax2', label: 'Fax 2', kind: 'phone' },
  { key: 'Company', label: 'Company', kind: 'text' },
  { key: 'JobTitle', label: 'Job Title', kind: 'text' },
  { key: 'Website', label: 'Website', kind: 'text' },
  { key: 'Birthday', label: 'Birthday', kind: 'date' },
  { key: 'Anniversary', label: 'Anniversary', kind: 'date' },
  { key: 'SpouseName', label: 'Spouse Name', kind: 'text' },
  { key: 'StreetAddress1', label: 'Street Address 1', kind: 'text' },
  { key: 'StreetAddress2', label: 'Street Address 2', kind: 'text' },
  { key: 'City', label: 'City', kind: 'text' },
  { key: 'State', label: 'State', kind: 'text' },
  { key: 'PostalCode', label: 'Postal Code', kind: 'text' },
  { key: 'ZipFour1', label: 'Zip+4', kind: 'text' },
  { key: 'Country', label: 'Country', kind: 'text' },
  // Keap's address 2 is the shipping address, address 3 the other (optional) one.
  { key: 'Address2Street1', label: 'Shipping Address Street 1', kind: 'text' },
  { key: 'Address2Street2', label: 'Shipping Address Street 2', kind: 'text' },
  { key: 'City2', label: 'Shipping Address City', kind: 'text' },
  { key: 'State2', label: 'Shipping Address State', kind: 'text' },
  { key: 'PostalCode2', label: 'Shipping Address Postal Code', kind: 'text' },
  { key: 'ZipFour2', label: 'Shipping Address Zip+4', kind: 'text' },
  { key: 'Country2', label: 'Shipping Address Country', kind: 'text' },
  { key: 'Address3Street1', label: 'Other Address Street 1', kind: 'text' },
  { key: 'Address3Street2', label: 'Other Address Street 2', kind: 'text' },
  { key: 'City3', label: 'Other Address City', kind: 'text' },
  { key: 'State3', label: 'Other Address State', kind: 'text' },
  { key: 'PostalCode3', label: 'Other Address Postal Code', kind: 'text' },
  { key: 'ZipFour3', label: 'Other Address Zip+4', kind: 'text' },
  { key: 'Country3', label: 'Other Address Country', kind: 'text' },
  { key: 'ContactType', label: 'Person Type', kind: 'text' },
  // Keap REST v2 keeps only the lead source's id on a contact; its name (Leadsource) is not read.
  { key: 'Leadsource', label: 'Lead Source', kind: 'text' },
  { key: 'LeadSourceId', label: 'Lead Source Id', kind: 'number' },
  { key: 'TimeZone', label: 'Time Zone', kind: 'text' },
];

const BY_KEY: ReadonlyMap<string, ContactFieldDefinition> = new Map(
  STANDARD_CONTACT_FIELDS.map((field) => [field.key, field]),
);

export function findStandardContactField(key: string): ContactFieldDefinition | undefined {
  return BY_KEY.get(key);
}

export function isStandardContactField(key: string): boolean {
  return BY_KEY.has(key);
}

export function isCustomFieldKey(key: string): boolean {
  return key.startsWith('_');
}

/** The merge-field key of a custom field: Keap prefixes custom field names with `_`. */
export function customFieldKey(name: string): ContactFieldKey {
  return name.startsWith('_') ? name : `_${name}`;
}

/**
 * Whether a field key names a field the account has: a standard field, or one of the account's
 * custom fields. Without the account's custom field list every custom key is given the benefit of
 * the doubt.
 */
export function isKnownContactField(key: string, customFieldKeys?: readonly string[]): boolean {
  if (isStandardContactField(key)) return true;
  if (!isCustomFieldKey(key)) return false;
  return customFieldKeys === undefined || customFieldKeys.includes(key);
}

/** A standard field whose key differs only by letter case (for "did you mean" hints). */
export function suggestContactField(key: string): ContactFieldDefinition | undefined {
  const lower = key.toLowerCase();
  return STANDARD_CONTACT_FIELDS.find((field) => field.key.toLowerCase() === lower);
}

export function contactFieldKind(key: string): ContactFieldKind {
  return BY_KEY.get(key)?.kind ?? 'text';
}

export const EMAIL_FIELD_KEYS: readonly ContactFieldKey[] = STANDARD_CONTACT_FIELDS.filter(
  (field) => field.kind === 'email',
).map((field) => field.key);

export const PHONE_FIELD_KEYS: readonly ContactFieldKey[] = [
  'Phone1',
  'Phone2',
  'Phone3',
  'Phone4',
  'Phone5',
];
