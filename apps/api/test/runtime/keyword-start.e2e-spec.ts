import request from 'supertest';
import { DataSource } from 'typeorm';
import { aConnectedAccount, aPhone, aPublishedTool, aTool, DEMO_NUMBER, tagId } from './builders';
import { eventually, startRuntime, type RuntimeHarness } from './runtime-harness';

describe('runtime: keyword and HTTP Post starts', () => {
  let h: RuntimeHarness;
  let accountId: string;

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await aConnectedAccount(dataSource(h), h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
    }));
  });

  afterAll(async () => {
    await h?.close();
  });

  function dataSource(harness: RuntimeHarness) {
    return harness.t.app.get(DataSource);
  }

  const textsTo = (phone: string) => h.sandbox.twilio.messages.filter((m) => m.to === phone && m.direction === 'outbound-api');
  const text = (from: string, body: string, extra: { deliverTwice?: boolean } = {}) =>
    h.sandbox.twilio.receiveInbound({ from, to: DEMO_NUMBER, body, ...extra });
  const contactsWithPhone = (phone: string) =>
    [...h.sandbox.keap.tenant('sb101').contacts.values()].filter((c) => c.phone_numbers.some((p) => p.number?.replace(/\D/g, '').endsWith(phone.slice(-10))));

  it('keyword start with email first creates a new contact with the phone, then runs the steps', async () => {
    const ds = dataSource(h);
    const interested = tagId(h.sandbox, 'Interested');
    const fallback = tagId(h.sandbox, 'Not interested');
    await aPublishedTool(
      ds,
      accountId,
      aTool({
        keyword: 'BLUE',
        steps: [
          { id: 'request-email', name: 'Request Email Address', message: 'Your email? Text STOP to stop.', saveTo: 'Email', validation: 'email' },
          {
            id: 'color',
            name: 'Color',
            message: 'Hi ~Contact.FirstName~, do you like blue?',
            next: {
              kind: 'decide',
              conditions: [{ id: 'yes', kind: 'equals_any', values: ['*yes*'], tagId: interested, nextStepId: 'thanks' }],
              fallbackTagId: fallback,
              fallbackStepId: null,
            },
          },
          { id: 'thanks', name: 'Thanks', message: 'Great, thanks!', next: { kind: 'finish' } },
        ],
      }),
    );
    const phone = aPhone();
    const first = await text(phone, ' blue ');
    expect(first.deliveries[0]?.responseStatus).toBe(200);
    expect(first.deliveries[0]?.responseBody).toContain('<Response/>');
    await eventually(() => textsTo(phone).length === 1, 'the email question');
    expect(textsTo(phone)[0]?.body).toBe('Your email? Text STOP to stop.');

    await text(phone, 'new.person@example.com');
    await eventually(() => textsTo(phone).length === 2, 'the color question');
    const created = contactsWithPhone(phone);
    expect(created).toHaveLength(1);
    expect(created[0]?.email_addresses.map((e) => e.email)).toContain('new.person@example.com');

    await text(phone, 'Oh yes please');
    await eventually(() => textsTo(phone).length === 3, 'the thanks');
    expect(textsTo(phone)[2]?.body).toBe('Great, thanks!');
    const contactId = created[0]!.id;
    await eventually(() => h.sandbox.keap.tenant('sb101').applied.get(contactId)?.has(String(interested)), 'the Interested tag');
    const [waiting] = await ds.query(`SELECT status, current_step_id FROM conversations WHERE phone = $1`, [phone]);
    expect(waiting).toEqual({ status: 'awaiting_reply', current_step_id: 'thanks' });
    // A second keyword text while in the conversation is a reply, not a new start; "finish" ends it.
    await text(phone, 'BLUE');
    const row = await eventually(async () => {
      const [r] = await ds.query(`SELECT status, ended_at FROM conversations WHERE phone = $1`, [phone]);
      return r.status === 'finished' ? r : undefined;
    }, 'the conversation to finish');
    expect(row.ended_at).not.toBeNull();
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM conversations WHERE phone = $1`, [phone]);
    expect(n).toBe(1);
  });

  it('answers 403 to an inbound webhook without a valid signature', async () => {
    const res = await request(h.t.app.getHttpServer())
      .post('/hooks/twilio/sms')
      .type('form')
      .send({ AccountSid: 'AC00000000000000000000000000000001', From: '+12125550111', To: DEMO_NUMBER, Body: 'BLUE', MessageSid: 'SMfake' })
      .set('X-Twilio-Signature', 'bad');
    expect(res.status).toBe(403);
  });
});
