import { STANDARD_CONTACT_FIELDS } from '@sms-seq/engine';
import {
  contactListsWritten,
  toContactSnapshot,
  toContactWrite,
  writeNeedsCurrentContact,
} from './contact-fields.mapper';
import { KeapUnknownFieldError } from './errors';
import type { KeapContact, KeapContactModel } from './keap.types';

const model: KeapContactModel = {
  custom_fields: [
    { id: '7', field_name: 'FavoriteColor', label: 'Favorite Color', field_type: 'TEXT' },
    { id: '8', field_name: 'Budget', label: 'Budget', field_type: 'WHOLE_NUMBER' },
  ],
  optional_properties: ['custom_fields'],
};

function aContact(overrides: Partial<KeapContact> = {}): KeapContact {
  return {
    id: '42',
    given_name: 'Ada',
    family_name: 'Lovelace',
    email_addresses: [{ email: 'ada@example.com', field: 'EMAIL1' }],
    phone_numbers: [{ number: '+14155550101', field: 'PHONE1', type: 'Mobile' }],
    custom_fields: [
      { id: '7', content: 'Blue' },
      { id: '8', content: 1200 },
    ],
    ...overrides,
  };
}

describe('contact fields mapper', () => {
  it('reads merge-field keys from a v2 contact', () => {
    const snapshot = toContactSnapshot(
      aContact({ addresses: [{ field: 'BILLING', locality: 'London' }] }),
      model,
    );
    expect(snapshot.id).toBe(42);
    expect(snapshot.fields).toEqual(
      expect.objectContaining({
        FirstName: 'Ada',
        Email: 'ada@example.com',
        EmailAddress2: null,
        Phone1: '+14155550101',
        Phone1Type: 'Mobile',
        Phone2: null,
        City: 'London',
        _FavoriteColor: 'Blue',
        _Budget: 1200,
      }),
    );
  });

  it('leaves out what the contact was not read with, rather than calling it empty', () => {
    const { custom_fields: _c, phone_numbers: _p, ...bare } = aContact();
    const fields = toContactSnapshot(bare, model).fields;
    expect(Object.keys(fields)).not.toContain('Phone1');
    expect(Object.keys(fields)).not.toContain('_Budget');
  });

  it('writes slots, types and custom field ids, with an update mask of the touched properties', () => {
    const plan = toContactWrite(
      {
        FirstName: 'Augusta',
        Email: 'a@example.com',
        Phone2: '+14155550999',
        _budget: '$1,500',
        _FavoriteColor: 'Red',
      },
      model,
      aContact(),
    );
    expect(plan.body).toEqual({
      given_name: 'Augusta',
      email_addresses: [{ email: 'a@example.com', field: 'EMAIL1' }],
      phone_numbers: [
        { field: 'PHONE1', number: '+14155550101', type: 'Mobile' },
        { field: 'PHONE2', number: '+14155550999', type: 'Mobile' },
      ],
      custom_fields: [
        { id: '8', content: 1500 },
        { id: '7', content: 'Red' },
      ],
    });
    expect(plan.updateMask.sort()).toEqual([
      'custom_fields',
      'email_addresses',
      'given_name',
      'phone_numbers',
    ]);
  });

  it('keeps a phone number when only its type changes', () => {
    const plan = toContactWrite({ Phone1Type: 'Work' }, model, aContact());
    expect(plan.body.phone_numbers).toEqual([
      { field: 'PHONE1', number: '+14155550101', type: 'Work' },
    ]);
  });

  it('writes Phone2 with Phone1 (and the others) as read, since Keap removes a number not listed', () => {
    const current = aContact({
      phone_numbers: [
        { field: 'PHONE3', number: '555-0103', type: 'Home' },
        { field: 'PHONE1', number: '+14155550101', type: 'Mobile', number_e164: '+14155550101' },
        { field: 'PHONE4', number: '555-0104', extension: '12' },
      ],
    });
    const plan = toContactWrite({ Phone2: '+14155550999' }, model, current);
    expect(plan.body).toEqual({
      phone_numbers: [
        { field: 'PHONE1', number: '+14155550101', type: 'Mobile' },
        { field: 'PHONE2', number: '+14155550999', type: 'Mobile' },
        { field: 'PHONE3', number: '555-0103', type: 'Home' },
        { field: 'PHONE4', number: '555-0104', extension: '12' },
      ],
    });
    expect(plan.updateMask).toEqual(['phone_numbers']);
    // Changing Phone1 itself keeps Phone3 and Phone4; emptying it removes only it.
    expect(toContactWrite({ Phone1: '+14155550100' }, model, current).body.phone_numbers).toEqual([
      { field: 'PHONE1', number: '+14155550100', type: 'Mobile' },
      { field: 'PHONE3', number: '555-0103', type: 'Home' },
      { field: 'PHONE4', number: '555-0104', extension: '12' },
    ]);
    expect(toContactWrite({ Phone1: ' ' }, model, current).body.phone_numbers).toEqual([
      { field: 'PHONE3', number: '555-0103', type: 'Home' },
      { field: 'PHONE4', number: '555-0104', extension: '12' },
    ]);
  });

  it('writes Email with EmailAddress2 and EmailAddress3 as read, and drops only an emptied address', () => {
    const current = aContact({
      email_addresses: [
        { email: 'ada@example.com', field: 'EMAIL1', is_opt_in: true },
        { email: 'ada.work@example.com', field: 'EMAIL2' },
        { email: 'ada.other@example.com', field: 'EMAIL3' },
      ],
    });
    expect(toContactWrite({ Email: 'ada@new.example' }, model, current).body).toEqual({
      email_addresses: [
        { email: 'ada@new.example', field: 'EMAIL1' },
        { email: 'ada.work@example.com', field: 'EMAIL2' },
        { email: 'ada.other@example.com', field: 'EMAIL3' },
      ],
    });
    expect(toContactWrite({ EmailAddress2: '' }, model, current).body.email_addresses).toEqual([
      { email: 'ada@example.com', field: 'EMAIL1' },
      { email: 'ada.other@example.com', field: 'EMAIL3' },
    ]);
  });

  it('lists only the changed slots when there is no contact yet (a create)', () => {
    expect(toContactWrite({ Phone2: '+14155550999', Email: 'n@example.com' }, model).body).toEqual({
      email_addresses: [{ email: 'n@example.com', field: 'EMAIL1' }],
      phone_numbers: [{ field: 'PHONE2', number: '+14155550999', type: 'Mobile' }],
    });
  });

  it('refuses a field the Keap app does not have', () => {
    expect(() => toContactWrite({ _Shoe: '9' }, model)).toThrow(KeapUnknownFieldError);
    expect(() => toContactWrite({ Shoe: '9' }, model)).toThrow(KeapUnknownFieldError);
  });

  it('reads fax numbers, every address with its Zip+4, and the lead source id', () => {
    const fields = toContactSnapshot(
      aContact({
        fax_numbers: [
          { field: 'FAX2', number: '555-0102' },
          { field: 'FAX1', number: '555-0101', type: 'Work' },
        ],
        addresses: [
          { field: 'OTHER', line1: '3 Side St', locality: 'Leeds' },
          { field: 'BILLING', line1: '1 Main St', postal_code: '85001', zip_four: '1234' },
          { field: 'SHIPPING', line1: '2 Dock Rd', line2: 'Unit 4', region_code: 'US-AZ' },
        ],
        leadsource_id: '12',
      }),
      model,
    ).fields;
    expect(fields).toEqual(
      expect.objectContaining({
        Fax1: '555-0101',
        Fax1Type: 'Work',
        Fax2: '555-0102',
        Fax2Type: null,
        StreetAddress1: '1 Main St',
        PostalCode: '85001',
        ZipFour1: '1234',
        City: null,
        Address2Street1: '2 Dock Rd',
        Address2Street2: 'Unit 4',
        State2: 'US-AZ',
        ZipFour2: null,
        Address3Street1: '3 Side St',
        City3: 'Leeds',
        LeadSourceId: '12',
      }),
    );
  });

  it('takes an address without a slot for the billing address, never for the others', () => {
    const fields = toContactSnapshot(
      aContact({ addresses: [{ line1: '1 Main St', locality: 'Phoenix' }] }),
      model,
    ).fields;
    expect(fields).toMatchObject({
      StreetAddress1: '1 Main St',
      City: 'Phoenix',
      City2: null,
      City3: null,
    });
    expect(
      toContactSnapshot(aContact({ addresses: [{ field: 'SHIPPING', locality: 'Mesa' }] }), model)
        .fields,
    ).toMatchObject({ City: null, City2: 'Mesa' });
  });

  it('writes a shipping address part with the rest of that address and keeps the other addresses', () => {
    const current = aContact({
      addresses: [
        { field: 'BILLING', line1: '1 Main St', locality: 'Phoenix' },
        { field: 'SHIPPING', line1: '2 Dock Rd', locality: 'Mesa' },
      ],
    });
    const plan = toContactWrite({ City2: 'Tempe', ZipFour2: '4321' }, model, current);
    expect(plan.body.addresses).toEqual([
      { field: 'BILLING', line1: '1 Main St', locality: 'Phoenix' },
      { field: 'SHIPPING', line1: '2 Dock Rd', locality: 'Tempe', zip_four: '4321' },
    ]);
    expect(plan.updateMask).toEqual(['addresses']);
    expect(toContactWrite({ Address3Street1: '3 Side St' }, model).body.addresses).toEqual([
      { field: 'OTHER', line1: '3 Side St' },
    ]);
  });

  it('writes a fax number with the other one as it was, and drops an emptied one', () => {
    const current = aContact({
      fax_numbers: [
        { field: 'FAX1', number: '555-0101', type: 'Work' },
        { field: 'FAX2', number: '555-0102' },
      ],
    });
    expect(toContactWrite({ Fax2: '555-0199', Fax2Type: 'Home' }, model, current).body).toEqual({
      fax_numbers: [
        { field: 'FAX1', number: '555-0101', type: 'Work' },
        { field: 'FAX2', number: '555-0199', type: 'Home' },
      ],
    });
    expect(toContactWrite({ Fax1: '' }, model, current).body.fax_numbers).toEqual([
      { field: 'FAX2', number: '555-0102' },
    ]);
    expect(toContactWrite({ Fax1Type: 'Home' }, model, current).body.fax_numbers).toEqual([
      { field: 'FAX1', number: '555-0101', type: 'Home' },
      { field: 'FAX2', number: '555-0102' },
    ]);
  });

  it('writes the lead source id as Keap keeps it', () => {
    expect(toContactWrite({ LeadSourceId: ' 12 ' }, model).body).toEqual({ leadsource_id: '12' });
  });

  it('says which writes need the contact as it is (parts of a list Keap replaces whole)', () => {
    expect(writeNeedsCurrentContact(['City2'])).toBe(true);
    expect(writeNeedsCurrentContact(['Fax1'])).toBe(true);
    expect(writeNeedsCurrentContact(['Phone1Type'])).toBe(true);
    expect(writeNeedsCurrentContact(['Phone2'])).toBe(true);
    expect(writeNeedsCurrentContact(['EmailAddress3'])).toBe(true);
    // Custom fields are merged by id by Keap: they need no read.
    expect(writeNeedsCurrentContact(['FirstName', 'Company', '_Budget'])).toBe(false);
    expect(contactListsWritten(['Phone2', 'Email', 'Phone3Ext', 'FirstName'])).toEqual([
      'email_addresses',
      'phone_numbers',
    ]);
    expect(contactListsWritten(['Fax2Type', 'ZipFour3'])).toEqual(['addresses', 'fax_numbers']);
  });

  // Leadsource is the lead source's name, which a v2 contact does not carry (only leadsource_id).
  const NOT_ON_A_V2_CONTACT = ['Leadsource'];

  it('round-trips every writable standard field: written, stored as the body says, read back', () => {
    const writable = STANDARD_CONTACT_FIELDS.filter(
      (field) => !field.readOnly && !NOT_ON_A_V2_CONTACT.includes(field.key),
    );
    const updates = Object.fromEntries(
      writable.map((field, index) => [
        field.key,
        field.kind === 'email' ? `f${index}@example.com` : `v${index}`,
      ]),
    );
    const plan = toContactWrite(updates, model);
    const stored = { id: '42', ...plan.body } as KeapContact;
    const fields = toContactSnapshot(stored, model).fields;
    for (const key of Object.keys(updates)) expect([key, fields[key]]).toEqual([key, updates[key]]);
    // Nothing the catalogue offers is refused, except the fields a v2 contact cannot hold.
    for (const key of NOT_ON_A_V2_CONTACT)
      expect(() => toContactWrite({ [key]: 'Web' }, model)).toThrow(KeapUnknownFieldError);
  });
});
