import {
  EMAIL_FIELD_KEYS,
  STANDARD_CONTACT_FIELDS,
  contactFieldKind,
  customFieldKey,
  isKnownContactField,
  suggestContactField,
} from './contact-fields';
import { contactFieldKeySchema } from './tool.schema';

describe('contact fields', () => {
  it('lists the standard Keap fields with a kind', () => {
    const keys = STANDARD_CONTACT_FIELDS.map((field) => field.key);
    for (const key of [
      'FirstName',
      'LastName',
      'Email',
      'EmailAddress2',
      'EmailAddress3',
      'Phone1',
      'Phone5',
      'Company',
      'JobTitle',
      'StreetAddress1',
      'City',
      'State',
      'PostalCode',
      'Country',
      'Birthday',
      'Website',
      'Nickname',
      'MiddleName',
    ]) {
      expect(keys).toContain(key);
    }
    expect(new Set(keys).size).toBe(keys.length);
    expect(contactFieldKind('Phone3')).toBe('phone');
    expect(contactFieldKind('Birthday')).toBe('date');
    expect(contactFieldKind('_Anything')).toBe('text');
    expect(EMAIL_FIELD_KEYS).toEqual(['Email', 'EmailAddress2', 'EmailAddress3']);
  });

  it('uses keys the tool schema accepts', () => {
    for (const field of STANDARD_CONTACT_FIELDS) {
      expect(contactFieldKeySchema.safeParse(field.key).success).toBe(true);
    }
  });

  it('names custom fields with a leading underscore', () => {
    expect(customFieldKey('Color')).toBe('_Color');
    expect(customFieldKey('_Color')).toBe('_Color');
  });

  it('knows standard fields, and custom fields of the account when given', () => {
    expect(isKnownContactField('FirstName')).toBe(true);
    expect(isKnownContactField('Firstname')).toBe(false);
    expect(isKnownContactField('_Color')).toBe(true);
    expect(isKnownContactField('_Color', ['_Size'])).toBe(false);
    expect(isKnownContactField('_Size', ['_Size'])).toBe(true);
    expect(suggestContactField('firstname')?.key).toBe('FirstName');
  });
});
