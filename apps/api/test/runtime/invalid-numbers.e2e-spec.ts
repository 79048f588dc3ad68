import { aKeapContact, aPhone, tagId, tagsOf } from './builders';
import {
  eventually,
  startRuntime,
  whenIdle,
  type ConsoleBrowser,
  type RuntimeHarness,
} from './runtime-harness';

describe('runtime: numbers that cannot get texts', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    browser = await h.signedIn(accountId);
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

  /** A start refused before any conversation began (the console's refused starts). */
  const refusedAs = (contactId: number) =>
    eventually(async () => {
      const [row] = await h.ds.query(
        `SELECT code, reason FROM refused_http_starts WHERE contact_id = $1`,
        [contactId],
      );
      return row;
    }, 'the refused start');
  const noConversation = async (contactId: number) =>
    expect(
      await h.ds.query(`SELECT id FROM conversations WHERE contact_id = $1`, [contactId]),
    ).toEqual([]);

  it('a phone that cannot be read: invalid-number tag, no conversation, the reason kept, nothing is sent', async () => {
    const contactId = aKeapContact(h.sandbox, { firstName: 'Ivy', phone: '12345' });
    await start(contactId);
    expect(await refusedAs(contactId)).toEqual({
      code: 'not_a_phone',
      reason: `Phone 1 of Ivy (${contactId}), "12345", is not a phone number.`,
    });
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
    await noConversation(contactId);
  });

  it('a contact without a phone: the same, naming the empty field', async () => {
    const contactId = aKeapContact(h.sandbox, { firstName: 'Nora', email: 'nora@example.com' });
    await start(contactId);
    expect(await refusedAs(contactId)).toEqual({
      code: 'no_phone',
      reason: `Nora (${contactId}) has no number in Phone 1.`,
    });
    await eventually(
      () => tagsOf(h.sandbox, contactId).includes('SMS: Invalid number'),
      'the invalid-number tag',
    );
    await noConversation(contactId);
  });

  /** What the console's transcript gets of why texts failed: the send_failed events. */
  const sendFailures = async (contactId: number) => {
    const [{ id }] = await h.ds.query(`SELECT id FROM conversations WHERE contact_id = $1`, [
      contactId,
    ]);
    const res = await browser.get(`/api/conversations/${id}`).expect(200);
    return (res.body.events as { type: string; detail: unknown }[])
      .filter((e) => e.type === 'send_failed')
      .map((e) => e.detail);
  };

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
    expect(await sendFailures(contactId)).toEqual([{ reason: 'not_mobile', providerCode: 21614 }]);
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
    expect(await sendFailures(contactId)).toEqual([{ reason: 'not_mobile', providerCode: 30006 }]);
  });

  it('a handset out of coverage (30003): the conversation goes on, and its transcript says why the text did not arrive, once', async () => {
    const phone = aPhone();
    h.sandbox.twilio.undeliverable.set(phone, { errorCode: 30003, status: 'undelivered' });
    const contactId = aKeapContact(h.sandbox, { firstName: 'Una', phone });
    await start(contactId);
    expect(
      await eventually(async () => {
        const failures = await sendFailures(contactId).catch(() => []);
        return failures.length > 0 ? failures : undefined;
      }, 'the failure in the transcript'),
    ).toEqual([{ reason: 'unreachable', providerCode: 30003 }]);
    await whenIdle(h);
    expect(await sendFailures(contactId)).toHaveLength(1);
    const [row] = await h.ds.query(`SELECT status FROM conversations WHERE contact_id = $1`, [
      contactId,
    ]);
    // Out of coverage is not "cannot receive texts": no invalid-number ending.
    expect(row.status).not.toBe('invalid_number');
  });
});
