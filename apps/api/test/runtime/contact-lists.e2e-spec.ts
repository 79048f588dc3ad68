import type { Sandbox } from '@sms-seq/sandbox';
import { aKeapContact, anEmailFirstStep, aPhone } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

/**
 * Keap replaces a contact's email addresses and phone numbers whole ("any item not listed here
 * will be removed"), and the sandbox does too: saving one phone or email must not remove the
 * contact's others, above all the number it texts from.
 */
describe('runtime: saving a phone number or an email address keeps the contact’s others', () => {
  let h: RuntimeHarness;

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    await h.publishedTool(accountId, {
      name: 'Work details',
      keyword: 'WORK',
      collectEmailFirst: false,
      steps: [
        {
          id: 'work-phone',
          name: 'Work phone',
          message: 'Your work phone?',
          saveTo: 'Phone2',
        },
        {
          id: 'email',
          name: 'Email',
          message: 'Your best email?',
          saveTo: 'Email',
          validation: 'email',
        },
        { id: 'thanks', name: 'Thanks', message: 'Thanks!', next: { kind: 'finish' as const } },
      ],
    });
    await h.publishedTool(accountId, {
      name: 'Email first, phone in Phone2',
      keyword: 'MOBILE',
      collectEmailFirst: true,
      phoneField: 'Phone2',
      steps: [
        anEmailFirstStep('Your email?'),
        { id: 'thanks', name: 'Thanks', message: 'Thanks!', next: { kind: 'finish' as const } },
      ],
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('a reply saved into Phone2 keeps Phone1 (the texting number), one saved into Email keeps EmailAddress2', async () => {
    const phone = aPhone();
    const id = aKeapContact(h.sandbox, { firstName: 'Ida', email: 'ida@example.com', phone });
    addEmail2(h.sandbox, id, 'ida.work@example.com');
    await h.text(phone, 'work');
    await eventually(() => h.textsTo(phone).length === 1, 'the work phone question');
    await h.text(phone, '+14155550123');
    await eventually(() => h.textsTo(phone).length === 2, 'the email question');
    await h.text(phone, 'ida.best@example.com');
    await eventually(() => h.textsTo(phone).length === 3, 'the thanks');
    await whenIdle(h);
    expect(listsOf(h.sandbox, id)).toEqual({
      phones: [
        ['PHONE1', phone],
        ['PHONE2', '+14155550123'],
      ],
      emails: [
        ['EMAIL1', 'ida.best@example.com'],
        ['EMAIL2', 'ida.work@example.com'],
      ],
    });
  });

  it('a contact found by email gets the texting phone in the tool’s phone field and keeps its other phones and emails', async () => {
    const phone = aPhone();
    const home = '+14155550177';
    const id = aKeapContact(h.sandbox, {
      firstName: 'Joan',
      email: 'joan@example.com',
      phone: home,
    });
    addEmail2(h.sandbox, id, 'joan.work@example.com');
    await h.text(phone, 'mobile');
    await eventually(() => h.textsTo(phone).length === 1, 'the email question');
    await h.text(phone, 'joan.work@example.com');
    await eventually(() => h.textsTo(phone).length === 2, 'the thanks');
    await whenIdle(h);
    expect(listsOf(h.sandbox, id)).toEqual({
      phones: [
        ['PHONE1', home],
        ['PHONE2', phone],
      ],
      emails: [
        ['EMAIL1', 'joan@example.com'],
        ['EMAIL2', 'joan.work@example.com'],
      ],
    });
  });
});

function addEmail2(sandbox: Sandbox, contactId: number, email: string): void {
  const tenant = sandbox.keap.tenant('sb101');
  const first = tenant.contacts.get(String(contactId))!.email_addresses[0]!;
  sandbox.keap.updateContact(
    tenant,
    String(contactId),
    {
      email_addresses: [
        { email: first.email, field: 'EMAIL1' },
        { email, field: 'EMAIL2' },
      ],
    },
    ['email_addresses'],
  );
}

function listsOf(sandbox: Sandbox, contactId: number) {
  const contact = sandbox.keap.tenant('sb101').contacts.get(String(contactId))!;
  return {
    phones: contact.phone_numbers.map((p) => [p.field, p.number]),
    emails: contact.email_addresses.map((e) => [e.field, e.email]),
  };
}
