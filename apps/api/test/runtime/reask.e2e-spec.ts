import { aKeapContact, anEmailFirstStep, aPhone, keapContactsWithPhone } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

const EMAIL_REASK =
  "That doesn't look like an email address. Please reply with your email address.";

/** Reply validation with re-ask: an email step asks again, a bounded number of times. */
describe('runtime: an email step re-asks when the reply is not an email address', () => {
  let h: RuntimeHarness;
  let httpTool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    const colorStep = {
      id: 'color',
      name: 'Color',
      message: 'Which color do you like?',
      // Saves its reply, so it waits for it (a closing message would end as it is sent).
      saveTo: '_FavoriteColor',
      next: { kind: 'finish' as const },
    };
    await h.publishedTool(accountId, {
      name: 'Email first',
      keyword: 'ASK',
      collectEmailFirst: true,
      steps: [anEmailFirstStep('Your email? Text STOP to stop.'), colorStep],
      options: { maxReasks: 1 },
    });
    httpTool = await h.publishedTool(accountId, {
      name: 'Email later',
      keyword: null,
      startMode: 'http_only',
      steps: [
        {
          id: 'email',
          name: 'Email',
          message: 'What is your email, ~Contact.FirstName~?',
          saveTo: 'Email',
          validation: 'email',
          reaskMessage: 'Hmm, please send an address like name@example.com',
        },
        colorStep,
      ],
      options: { maxReasks: 2 },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('keyword start with email first: one re-ask (maxReasks 1), then the contact is found or made by phone and the next step follows', async () => {
    const phone = aPhone();
    await h.text(phone, 'ASK');
    await eventually(() => h.textsTo(phone).length === 1, 'the email question');

    await h.text(phone, 'hello there');
    await eventually(() => h.textsTo(phone).length === 2, 'the re-ask');
    expect(h.textsTo(phone)[1]).toBe(EMAIL_REASK);

    await h.text(phone, 'I would rather not');
    await eventually(() => h.textsTo(phone).length === 3, 'the next step');
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual([
      'Your email? Text STOP to stop.',
      EMAIL_REASK,
      'Which color do you like?',
    ]);
    // Out of re-asks: the lead is kept, by phone, and no reply that failed validation is saved.
    const contacts = keapContactsWithPhone(h.sandbox, phone);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.email_addresses ?? []).toEqual([]);
    expect(await h.conversationsOf(phone)).toEqual([
      expect.objectContaining({ status: 'awaiting_reply', current_step_id: 'color' }),
    ]);
  });

  it('a known contact’s email step: the step’s own re-ask text, and a valid reply is saved to the field', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Robin', phone });
    await h.startByHttpPost(httpTool, contactId);
    await eventually(() => h.textsTo(phone).length === 1, 'the email question');

    await h.text(phone, 'robin at example dot com');
    await eventually(() => h.textsTo(phone).length === 2, 'the re-ask');
    await h.text(phone, ' Robin@Example.com ');
    await eventually(() => h.textsTo(phone).length === 3, 'the next step');
    await whenIdle(h);

    expect(h.textsTo(phone)).toEqual([
      'What is your email, Robin?',
      'Hmm, please send an address like name@example.com',
      'Which color do you like?',
    ]);
    const saved = h.sandbox.keap.tenant('sb101').contacts.get(String(contactId));
    expect(saved?.email_addresses.map((e) => e.email.toLowerCase())).toEqual(['robin@example.com']);
  });

  it('bounded: after maxReasks re-asks (2) the step moves on without saving the reply', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Sam', phone });
    await h.startByHttpPost(httpTool, contactId);
    await eventually(() => h.textsTo(phone).length === 1, 'the email question');
    for (const [i, reply] of ['no', 'nope', 'never'].entries()) {
      await h.text(phone, reply);
      await eventually(() => h.textsTo(phone).length === i + 2, `the answer to "${reply}"`);
    }
    await whenIdle(h);

    expect(h.textsTo(phone)).toEqual([
      'What is your email, Sam?',
      'Hmm, please send an address like name@example.com',
      'Hmm, please send an address like name@example.com',
      'Which color do you like?',
    ]);
    const saved = h.sandbox.keap.tenant('sb101').contacts.get(String(contactId));
    expect(saved?.email_addresses ?? []).toEqual([]);
  });
});
