/** The parts of Keap REST v2's JSON the product reads and writes (names as in the spec). */

export type KeapEmailField = 'EMAIL1' | 'EMAIL2' | 'EMAIL3';
export type KeapPhoneField = 'PHONE1' | 'PHONE2' | 'PHONE3' | 'PHONE4' | 'PHONE5';
export const KEAP_PHONE_FIELDS: readonly KeapPhoneField[] = [
  'PHONE1',
  'PHONE2',
  'PHONE3',
  'PHONE4',
  'PHONE5',
];

export interface KeapEmailAddress {
  email: string;
  field: KeapEmailField;
  opt_in_reason?: string;
  is_opt_in?: boolean;
  email_opt_status?: string;
}

export interface KeapPhoneNumber {
  number: string;
  field: KeapPhoneField;
  type?: string;
  extension?: string;
  number_e164?: string;
}

export type KeapFaxField = 'FAX1' | 'FAX2';

export interface KeapFaxNumber {
  number: string;
  field: KeapFaxField;
  type?: string;
}

export interface KeapAddress {
  field?: 'BILLING' | 'SHIPPING' | 'OTHER' | 'ADDRESS_FIELD_UNSPECIFIED';
  line1?: string;
  line2?: string;
  locality?: string;
  region?: string;
  region_code?: string;
  postal_code?: string;
  zip_code?: string;
  /** ZIP+4 extension (legacy `ZipFour1..3`). */
  zip_four?: string;
  country_code?: string;
}

export interface KeapCustomFieldValue {
  id: string;
  content?: unknown;
}

/** A v2 Contact as returned by get/list/create/update (only the requested `fields` are present). */
export interface KeapContact {
  id: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  preferred_name?: string;
  prefix?: string;
  suffix?: string;
  job_title?: string;
  website?: string;
  birth_date?: string;
  anniversary_date?: string;
  spouse_name?: string;
  contact_type?: string;
  time_zone?: string;
  leadsource_id?: string;
  company?: { id?: string; company_name?: string };
  email_addresses?: KeapEmailAddress[];
  phone_numbers?: KeapPhoneNumber[];
  /** Optional: present only when asked for in `fields`. */
  fax_numbers?: KeapFaxNumber[];
  addresses?: KeapAddress[];
  custom_fields?: KeapCustomFieldValue[];
  tag_ids?: string[];
  create_time?: string;
  update_time?: string;
}

/** Body of POST /contacts and PATCH /contacts/{id}. */
export type KeapContactWrite = Partial<
  Omit<KeapContact, 'id' | 'tag_ids' | 'create_time' | 'update_time' | 'email_addresses'>
> & {
  email_addresses?: { email: string; field: KeapEmailField }[];
};

export interface KeapCustomFieldDefinition {
  id: string;
  label?: string;
  field_name?: string;
  field_type?: string;
  record_type?: string;
  options?: { id?: string; label?: string }[];
  group_id?: string;
  group_name?: string;
  default_value?: string;
}

/** Body of POST /contacts/model/customFields (the spec's CreateCustomFieldRequest). */
export interface KeapCustomFieldCreate {
  label: string;
  /** One of the spec's field types: TEXT, WHOLE_NUMBER, DECIMAL_NUMBER, DATE, DROPDOWN, … */
  field_type: string;
  /** The choices of a DROPDOWN, RADIO or LIST_BOX field. */
  options?: { label: string }[];
  /** The tab group the field shows under in Keap; Keap's "Custom Fields" tab when absent. */
  group_id?: string;
}

export interface KeapContactModel {
  custom_fields: KeapCustomFieldDefinition[];
  optional_properties: string[];
}

export interface KeapTag {
  id: string;
  name: string;
  description?: string;
  category?: { id: string };
  create_time?: string;
  update_time?: string;
}

export interface KeapNote {
  id: string;
  contact_id?: string;
  title?: string;
  text?: string;
  type?: string;
  create_time?: string;
  update_time?: string;
}

export interface KeapUserInfo {
  /** The global user identifier (across Keap apps). */
  id?: string;
  /** The subject: the user's id in this Keap app (what a note's `user_id` takes). */
  sub?: string;
  email?: string;
  given_name?: string;
  family_name?: string;
  tenant_id?: string;
}

export interface KeapPage<T> {
  items: T[];
  /** Empty or absent on the last page. */
  nextPageToken: string | null;
}
