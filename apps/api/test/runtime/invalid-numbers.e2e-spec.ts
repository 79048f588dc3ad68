import request from 'supertest';
import {
  aConnectedAccount,
  aKeapContact,
  aPhone,
  aPublishedTool,
  aTool,
  tagId,
  tagsOf,
} from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

describe('runtime: numbers that cannot get texts', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await aConnectedAccount(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
    });
    tool = await aPublishedTool(
      h.ds,
      accountId,
      aTool({
        name: 'Campaign',
        keyword: null,
        startMode: 'http_only',
        steps: [{ id: 'hello', name: 'Hello', message: 'Hello!' }],
        options: { invalidNumberTagId: tagId(h.sandbox, 'SMS: Invalid number') },
      }),
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  const start = (contactId: number) =>
    request(h.t.app.getHttpServer())
      .post(`/hooks/tools/${tool.toolId}/${tool.secret}`)
      .send({ contactId })
      .expect(202);
  const endedAs = async (contactId: number) =>
    eventually(async () => {
      const [row] = await h.ds.query(
        `SELECT status, ended_at FROM conversations WHERE contact_id = $1`,
        [contactId],
      );
      return row?.ended_at ? row.status : undefined;
    }, 'the conversation to end');

  it('a phone that cannot be read: invalid-number tag, the conversation ends, nothing is sent', async () => {
    const contactId = aKeapContact(h.sandbox, { firstName: 'Ivy', phone: '12345' });
    await start(contactId);
    expect(await endedAs(contactId)).toBe('invalid_number');
    await eventually(
      () => tagsOf(h.sandbox, contactId).includes('SMS: Invalid number'),
      'the invalid-number tag',
    );
    await whenIdle(h);
    expect(
      h.sandbox.twilio.messages.filter(
        (m) => m.direction === 'outbound-api' && m.to.endsWith('12345'),
      ),
    ).toEqual([]);
  });

  it('a contact without a phone: the same', async () => {
    const contactId = aKeapContact(h.sandbox, { firstName: 'Nora', email: 'nora@example.com' });
    await start(contactId);
    expect(await endedAs(contactId)).toBe('invalid_number');
    await eventually(
      () => tagsOf(h.sandbox, contactId).includes('SMS: Invalid number'),
      'the invalid-number tag',
    );
  });

  it('a landline Twilio refuses (21614): invalid-number tag, the conversation ends', async () => {
    const landline = '+13125550111';
    const contactId = aKeapContact(h.sandbox, { firstName: 'Lou', phone: landline });
    await start(contactId);
    expect(await endedAs(contactId)).toBe('invalid_number');
    await eventually(
      () => tagsOf(h.sandbox, contactId).includes('SMS: Invalid number'),
      'the invalid-number tag',
    );
    const [message] = await h.ds.query(
      `SELECT status, error_code FROM messages WHERE phone = $1 AND direction = 'out'`,
      [landline],
    );
    expect(message).toEqual({ status: 'failed', error_code: '21614' });
    expect(h.textsTo(landline)).toEqual([]);
  });

  it('a text the carrier reports undeliverable to a landline (30006, by status callback): tagged and ended', async () => {
    const phone = aPhone();
    h.sandbox.twilio.undeliverable.set(phone, { errorCode: 30006, status: 'undelivered' });
    const contactId = aKeapContact(h.sandbox, { firstName: 'Max', phone });
    await start(contactId);
    expect(await endedAs(contactId)).toBe('invalid_number');
    await eventually(
      () => tagsOf(h.sandbox, contactId).includes('SMS: Invalid number'),
      'the invalid-number tag',
    );
    const [message] = await h.ds.query(
      `SELECT status, error_code FROM messages WHERE phone = $1 AND direction = 'out'`,
      [phone],
    );
    expect(message).toEqual({ status: 'undelivered', error_code: '30006' });
  });
});
