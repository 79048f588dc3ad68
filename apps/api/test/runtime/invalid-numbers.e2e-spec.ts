import { aKeapContact, aPhone, tagId, tagsOf } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

describe('runtime: numbers that cannot get texts', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    tool = await h.publishedTool(accountId, {
      name: 'Campaign',
      keyword: null,
      startMode: 'http_only',
      steps: [{ id: 'hello', name: 'Hello', message: 'Hello!' }],
      options: { invalidNumberTagId: tagId(h.sandbox, 'SMS: Invalid number') },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  const start = (contactId: number) => h.startByHttpPost(tool, contactId);
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

  it('a refused send and its consequences commit together: a database failure mid-way still ends with the tag and the end', async () => {
    const landline = aPhone();
    h.sandbox.twilio.landlines.add(landline);
    // The database fails once, as the conversation's end is being written (a crash at that moment).
    await h.ds.query(`CREATE SEQUENCE fail_end_once`);
    await h.ds.query(`
      CREATE FUNCTION fail_end_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type = 'conversation_ended' AND nextval('fail_end_once') = 1 THEN
          RAISE EXCEPTION 'injected failure while ending the conversation';
        END IF;
        RETURN NEW;
      END $$`);
    await h.ds.query(
      `CREATE TRIGGER fail_end_once BEFORE INSERT ON conversation_events FOR EACH ROW EXECUTE FUNCTION fail_end_once()`,
    );
    try {
      const contactId = aKeapContact(h.sandbox, { firstName: 'Ray', phone: landline });
      await start(contactId);

      expect(await endedAs(contactId)).toBe('invalid_number');
      await eventually(
        () => tagsOf(h.sandbox, contactId).includes('SMS: Invalid number'),
        'the invalid-number tag',
      );
      const [{ n }] = await h.ds.query(`SELECT nextval('fail_end_once')::int AS n`);
      expect(n).toBeGreaterThan(2); // the failure did happen, and the retry got through
      const [message] = await h.ds.query(
        `SELECT status, error_code FROM messages WHERE phone = $1 AND direction = 'out'`,
        [landline],
      );
      expect(message).toEqual({ status: 'failed', error_code: '21614' });
      await whenIdle(h);
      expect(h.textsTo(landline)).toEqual([]);
    } finally {
      await h.ds.query(`DROP TRIGGER fail_end_once ON conversation_events`);
      await h.ds.query(`DROP FUNCTION fail_end_once()`);
      await h.ds.query(`DROP SEQUENCE fail_end_once`);
    }
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
