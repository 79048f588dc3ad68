import { toContactSnapshot, toContactWrite } from './contact-fields.mapper';
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
      phone_numbers: [{ field: 'PHONE2', number: '+14155550999', type: 'Mobile' }],
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

  it('refuses a field the Keap app does not have', () => {
    expect(() => toContactWrite({ _Shoe: '9' }, model)).toThrow(KeapUnknownFieldError);
    expect(() => toContactWrite({ Shoe: '9' }, model)).toThrow(KeapUnknownFieldError);
  });
});
