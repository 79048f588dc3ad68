import request from 'supertest';
import {
  aKeapContact,
  anEmailFirstStep,
  aPhone,
  DEMO_ACCOUNT_SID,
  DEMO_NUMBER,
  keapContactsWithPhone,
  likesBlueSteps,
  tagId,
  tagsOf,
} from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

describe('runtime: keyword starts', () => {
  let h: RuntimeHarness;
  let accountId: string;
  /** The contact look-up as the console's transcript records it (GET /api/conversations/:id). */
  const lookUpOf = async (phone: string) => {
    const [conversation] = await h.conversationsOf(phone);
    const browser = await h.signedIn(accountId);
    const body = (await browser.get(`/api/conversations/${conversation!.id}`).expect(200)).body as {
      events: { type: string; detail: Record<string, unknown> }[];
    };
    return body.events.find((e) => e.type === 'contact_resolved')?.detail;
  };

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await h.connectedAccount());
    const blue = likesBlueSteps({
      yes: tagId(h.sandbox, 'Interested'),
      otherwise: tagId(h.sandbox, 'Not interested'),
    });
    await h.publishedTool(accountId, {
      name: 'Blue with email',
      keyword: 'BLUE',
      collectEmailFirst: true,
      steps: [anEmailFirstStep('Your email? Text STOP to stop.'), ...blue],
    });
    await h.publishedTool(accountId, {
      name: 'Green by phone',
      keyword: 'green',
      collectEmailFirst: false,
      steps: blue,
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('with email first, creates a new contact with email and phone, then runs the steps to the end', async () => {
    const phone = aPhone();
    const first = await h.text(phone, ' blue ');
    expect(first.deliveries[0]?.responseStatus).toBe(200);
    expect(first.deliveries[0]?.responseBody).toContain('<Response/>');
    await eventually(() => h.textsTo(phone).length === 1, 'the email question');
    expect(h.textsTo(phone)).toEqual(['Your email? Text STOP to stop.']);

    await h.text(phone, 'new.person@example.com');
    await eventually(() => h.textsTo(phone).length === 2, 'the color question');
    const created = keapContactsWithPhone(h.sandbox, phone);
    expect(created).toHaveLength(1);
    expect(created[0]?.email_addresses.map((e) => e.email)).toEqual(['new.person@example.com']);
    // The transcript says the contact was created, not found.
    expect(await lookUpOf(phone)).toMatchObject({
      contactId: Number(created[0]!.id),
      created: true,
    });

    await h.text(phone, 'Oh yes please');
    await eventually(() => h.textsTo(phone).length === 3, 'the thanks');
    expect(h.textsTo(phone)[2]).toBe('Great, thanks!');
    const contactId = Number(created[0]!.id);
    await eventually(
      () => tagsOf(h.sandbox, contactId).includes('Interested'),
      'the Interested tag',
    );
    // "Great, thanks!" is a closing message: the conversation ended as it was sent.
    const [ended] = await eventually(async () => {
      const rows = await h.conversationsOf(phone);
      return rows[0]?.status === 'finished' ? rows : undefined;
    }, 'the conversation to finish');
    expect(ended).toMatchObject({ current_step_id: 'thanks', contact_id: contactId });
    expect(ended?.ended_at).not.toBeNull();

    // So the keyword texted again starts the tool anew.
    await h.text(phone, 'BLUE');
    await eventually(() => h.textsTo(phone).length === 4, 'the email question again');
    await whenIdle(h);
    expect(h.textsTo(phone)[3]).toBe('Your email? Text STOP to stop.');
    expect((await h.conversationsOf(phone)).map((c) => c.status)).toEqual([
      'finished',
      'awaiting_reply',
    ]);
    expect(tagsOf(h.sandbox, contactId)).toEqual(['Interested']);
  });

  it('with email first, finds an existing contact by email and stores the phone on it: no duplicate', async () => {
    const phone = aPhone();
    const existing = aKeapContact(h.sandbox, {
      firstName: 'Grace',
      email: 'grace.existing@example.com',
    });
    const contactsBefore = h.sandbox.keap.tenant('sb101').contacts.size;
    await h.text(phone, 'Blue');
    await eventually(() => h.textsTo(phone).length === 1, 'the email question');
    await h.text(phone, ' Grace.Existing@example.com ');
    await eventually(() => h.textsTo(phone).length === 2, 'the color question');
    // Merge fields are filled from the contact found.
    expect(h.textsTo(phone)[1]).toBe('Hi Grace, do you like blue?');
    expect(h.sandbox.keap.tenant('sb101').contacts.size).toBe(contactsBefore);
    expect(keapContactsWithPhone(h.sandbox, phone).map((c) => Number(c.id))).toEqual([existing]);
    expect((await h.conversationsOf(phone))[0]?.contact_id).toBe(existing);
    expect(await lookUpOf(phone)).toMatchObject({ contactId: existing, created: false });

    await h.text(phone, 'nope');
    await eventually(
      () => tagsOf(h.sandbox, existing).includes('Not interested'),
      'the fallback tag',
    );
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'finished',
      'the end (fallback step: none)',
    );
  });

  it('without email first, finds the contact by phone (an existing one, or a new one), then asks the first step', async () => {
    const known = aPhone();
    const existing = aKeapContact(h.sandbox, { firstName: 'Linus', phone: known });
    const contactsBefore = h.sandbox.keap.tenant('sb101').contacts.size;
    await h.text(known, 'GREEN');
    await eventually(() => h.textsTo(known).length === 1, 'the first step');
    expect(h.textsTo(known)).toEqual(['Hi Linus, do you like blue?']);
    expect((await h.conversationsOf(known))[0]?.contact_id).toBe(existing);
    expect(h.sandbox.keap.tenant('sb101').contacts.size).toBe(contactsBefore);
    expect(await lookUpOf(known)).toMatchObject({ contactId: existing, created: false });

    const stranger = aPhone();
    await h.text(stranger, 'green');
    await eventually(() => h.textsTo(stranger).length === 1, 'the first step for a new number');
    const created = keapContactsWithPhone(h.sandbox, stranger);
    expect(created).toHaveLength(1);
    expect((await h.conversationsOf(stranger))[0]?.contact_id).toBe(Number(created[0]!.id));
    expect(await lookUpOf(stranger)).toMatchObject({
      contactId: Number(created[0]!.id),
      created: true,
    });
  });

  it('a text that is no keyword starts nothing and is still kept', async () => {
    const phone = aPhone();
    await h.text(phone, 'purple');
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual([]);
    expect(await h.conversationsOf(phone)).toEqual([]);
    const [kept] = await h.ds.query(
      `SELECT body, status FROM messages WHERE phone = $1 AND direction = 'in'`,
      [phone],
    );
    expect(kept).toEqual({ body: 'purple', status: 'processed' });
  });

  it('answers 403 to an inbound webhook without a valid signature, and stores nothing', async () => {
    const res = await request(h.t.app.getHttpServer())
      .post('/hooks/twilio/sms')
      .type('form')
      .send({
        AccountSid: DEMO_ACCOUNT_SID,
        From: '+12125550111',
        To: DEMO_NUMBER,
        Body: 'BLUE',
        MessageSid: 'SMfake',
      })
      .set('X-Twilio-Signature', 'bad');
    expect(res.status).toBe(403);
    expect(res.text).toContain('invalid_signature');
    expect(await h.ds.query(`SELECT 1 FROM messages WHERE provider_sid = 'SMfake'`)).toEqual([]);
  });
});
