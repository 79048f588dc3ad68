import request from 'supertest';
import { aKeapContact, aPhone } from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

/**
 * A Keap campaign posts its tool URL for many contacts at once. The starts of one account that
 * arrive together read their contacts with one `ids==` list call (one Keap call per page of
 * contacts, not one per start); a contact the list does not return is a refused start with its
 * reason; a start alone is read when the window ends.
 */
describe('runtime: campaign starts read their contacts in batches', () => {
  let h: RuntimeHarness;
  let accountId: string;
  let tool: { toolId: string; secret: string };

  /** The Keap calls the app made to the sandbox's tenant so far, by operation. */
  const keapCalls = () => ({ ...h.sandbox.keap.callCounts().byTenant['sb101'] });
  const callsSince = (before: Record<string, number>, operation: string) =>
    (keapCalls()[operation] ?? 0) - (before[operation] ?? 0);
  const postAll = (contactIds: number[]) =>
    Promise.all(
      contactIds.map((contactId) =>
        request(h.t.app.getHttpServer())
          .post(`/hooks/tools/${tool.toolId}/${tool.secret}`)
          .type('form')
          .send({ contactId: String(contactId) })
          .expect(202),
      ),
    );
  /** Contacts with their own names and phones. */
  const someContacts = (n: number, name: string) =>
    Array.from({ length: n }, (_, i) => {
      const phone = aPhone();
      const firstName = `${name}${i + 1}`;
      return { phone, firstName, id: aKeapContact(h.sandbox, { firstName, phone }) };
    });
  const expectStartedOnceEach = async (
    contacts: { phone: string; firstName: string; id: number }[],
  ) => {
    for (const c of contacts) {
      await eventually(() => h.textsTo(c.phone).length === 1, `the first text to ${c.firstName}`);
      expect(h.textsTo(c.phone)).toEqual([`Hi ${c.firstName}, welcome!`]);
      expect(await h.conversationsOf(c.phone)).toEqual([
        expect.objectContaining({ status: 'awaiting_reply', contact_id: c.id }),
      ]);
    }
  };

  beforeAll(async () => {
    // A wide window, so that a loaded test machine still gathers the burst's starts; the
    // default (200 ms) does the same for a campaign's posts that come within it.
    h = await startRuntime({ KEAP_READ_BATCH_WINDOW_MS: '1000' });
    ({ accountId } = await h.connectedAccount());
    tool = await h.publishedTool(accountId, {
      name: 'Campaign tool',
      keyword: null,
      startMode: 'http_only',
      steps: [{ id: 'welcome', name: 'Welcome', message: 'Hi ~Contact.FirstName~, welcome!' }],
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('reads a burst of starts with far fewer Keap calls than starts, each starting once with its own contact', async () => {
    const contacts = someContacts(20, 'Ada');
    const before = keapCalls();
    await postAll(contacts.map((c) => c.id));
    await expectStartedOnceEach(contacts);
    await whenIdle(h);

    const lists = callsSince(before, 'listContacts');
    expect(lists).toBeGreaterThanOrEqual(1);
    expect(lists).toBeLessThanOrEqual(contacts.length / 5);
    expect(callsSince(before, 'getContact')).toBe(0);
    // Each batch call is counted once in all, on one of the conversations it started.
    const rows: { keap_calls: Record<string, number> }[] = await h.ds.query(
      `SELECT keap_calls FROM conversations WHERE contact_id = ANY($1)`,
      [contacts.map((c) => c.id)],
    );
    expect(rows).toHaveLength(contacts.length);
    const counted = rows.reduce((sum, r) => sum + (r.keap_calls['contacts.list'] ?? 0), 0);
    expect(counted).toBe(lists);
    for (const r of rows) expect(r.keap_calls['contacts.list'] ?? 0).toBeLessThanOrEqual(1);
  });

  it('refuses the start of a contact the batch did not return, saying Keap has no such contact; the others start', async () => {
    const contacts = someContacts(5, 'Bea');
    const missing = 987_000 + Math.floor(Math.random() * 999);
    expect(h.sandbox.keap.tenant('sb101').contacts.has(String(missing))).toBe(false);
    const before = keapCalls();
    await postAll([
      ...contacts.slice(0, 2).map((c) => c.id),
      missing,
      ...contacts.slice(2).map((c) => c.id),
    ]);
    await expectStartedOnceEach(contacts);
    await whenIdle(h);

    // Read together: fewer calls than starts, so the missing contact was in a batch with others.
    expect(callsSince(before, 'listContacts')).toBeLessThan(contacts.length + 1);
    expect(
      await h.ds.query(
        `SELECT code, reason FROM refused_http_starts WHERE account_id = $1 AND contact_id = $2`,
        [accountId, missing],
      ),
    ).toEqual([{ code: 'no_contact', reason: `Keap has no contact ${missing}.` }]);
    expect(
      await h.ds.query(`SELECT count(*)::int AS n FROM conversations WHERE contact_id = $1`, [
        missing,
      ]),
    ).toEqual([{ n: 0 }]);
  });

  it('reads a start that comes alone when the window ends, with a call of its own', async () => {
    const [only] = someContacts(1, 'Cy');
    const before = keapCalls();
    await postAll([only!.id]);
    await expectStartedOnceEach([only!]);
    expect(callsSince(before, 'listContacts')).toBe(1);
    const [row] = await h.ds.query(`SELECT keap_calls FROM conversations WHERE contact_id = $1`, [
      only!.id,
    ]);
    expect(row.keap_calls).toEqual({ 'contacts.list': 1 });
  });

  it('retries every start of a batch whose Keap call failed, and each then starts once', async () => {
    const contacts = someContacts(3, 'Di');
    // Keap fails the batch's call and the client's own retries of it: the start jobs fail.
    h.sandbox.keap.failNextCalls(3, 503, { operations: ['listContacts'] });
    const before = keapCalls();
    await postAll(contacts.map((c) => c.id));
    await expectStartedOnceEach(contacts);
    await whenIdle(h);
    expect(callsSince(before, 'listContacts')).toBeGreaterThan(3);
    expect(
      await h.ds.query(
        `SELECT count(*)::int AS n FROM refused_http_starts WHERE contact_id = ANY($1)`,
        [contacts.map((c) => c.id)],
      ),
    ).toEqual([{ n: 0 }]);
  });
});
