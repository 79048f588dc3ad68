import axios from 'axios';
import { DEMO_TENANT_ID, SANDBOX_KEAP_CLIENT } from '@sms-seq/sandbox';
import { KEAP_MAX_IDS_PER_LIST, KEAP_NO_ANSWER_FOR_CONTACT, KeapClient } from '../src/keap-client';
import { KeapOAuth } from '../src/keap-oauth';
import { TokenManager } from '../src/token-manager';
import {
  KeapAuthError,
  KeapClientCredentialsError,
  KeapForbiddenError,
  KeapGrantRevokedError,
  KeapNetworkError,
  KeapNotFoundError,
  KeapServerError,
  KeapQuotaExhaustedError,
  KeapRateLimitedError,
  KeapValidationError,
} from '../src/errors';
import { memoryAccountCache } from '../src/account-cache';
import { KeapHttp, type KeapCallRecord } from '../src/keap-http';
import type { KeapGrant, KeapRequestGate } from '../src/request-gate';
import { KeapSandboxHarness, MemoryTokenStore, REDIRECT_URI } from './support/keap-sandbox-harness';
import { haveKeapSpec, KEAP_SPEC_PATH, KeapSpecValidator } from './support/keap-spec-validator';

// The behaviour is tested either way; only the check of each request against the spec needs it.
if (!haveKeapSpec)
  console.warn(
    `Keap spec checks of the client's requests skipped: ${KEAP_SPEC_PATH} not found (set API_SPECS_DIR); the client's behaviour is still tested.`,
  );

const ACCOUNT = 'acct-1';

describe('KeapClient against the Keap sandbox', () => {
  let sandbox: KeapSandboxHarness;
  let validator: KeapSpecValidator | null = null;
  let store: MemoryTokenStore;
  let tokens: TokenManager;
  let calls: KeapCallRecord[];
  let observed: { grant: KeapGrant; status: number; headers: Record<string, string> }[];

  beforeAll(async () => {
    if (haveKeapSpec) validator = await KeapSpecValidator.load();
    sandbox = await new KeapSandboxHarness().start();
  });
  afterAll(() => sandbox.stop());

  beforeEach(async () => {
    sandbox.keap.reset();
    store = new MemoryTokenStore();
    await store.save(ACCOUNT, await sandbox.connect());
    tokens = new TokenManager({
      oauth: sandbox.oauth,
      store,
      now: () => new Date(sandbox.keap.now()),
    });
    calls = [];
    observed = [];
    if (validator) validator.requests.length = 0;
  });

  afterEach(() => {
    // Every request the client sent is an operation of the official spec, with a valid query and body.
    if (validator) expect(validator.failures()).toEqual([]);
  });

  let grants = 0;
  const gate: KeapRequestGate = {
    acquire: async (ctx) => ({ ...ctx, grantId: `g${++grants}` }),
    observe: (grant, status, headers) => {
      observed.push({ grant, status, headers });
    },
  };

  function client(
    overrides: Partial<ConstructorParameters<typeof KeapClient>[0]> = {},
  ): KeapClient {
    const http = axios.create();
    validator?.watch(http);
    return new KeapClient({
      baseUrl: `${sandbox.baseUrl}/crm`,
      accountId: ACCOUNT,
      accessToken: (o) => tokens.getAccessToken(ACCOUNT, o),
      gate,
      onCall: (c) => calls.push(c),
      http,
      // Waiting moves the sandbox's clock instead of the test's: no sleeps.
      sleep: async (ms) => sandbox.keap.advanceClock(ms),
      ...overrides,
    });
  }

  async function adaId(keap: KeapClient): Promise<string> {
    const [ada] = await keap.findContactsByEmail('ada@example.com');
    return ada!.id;
  }

  describe('OAuth', () => {
    it('builds the consent URL with client id, redirect URI, code response type, full scope and state', () => {
      const url = new URL(sandbox.oauth.authorizeUrl({ redirectUri: REDIRECT_URI, state: 'xyz' }));
      expect(Object.fromEntries(url.searchParams)).toEqual({
        client_id: 'sandbox-keap-client-id',
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'full',
        state: 'xyz',
      });
    });

    it('refreshes once for ten parallel calls on an expired token, and stores the new refresh token', async () => {
      const first = (await store.load(ACCOUNT))!;
      sandbox.keap.advanceClock(86_400 * 1000);
      const before = sandbox.keap.now();
      const keap = client();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => keap.listTags({ pageSize: 1 })),
      );
      expect(results.every((r) => r.items.length === 1)).toBe(true);
      expect(store.saved).toHaveLength(2); // the connection, then exactly one refresh
      const latest = (await store.load(ACCOUNT))!;
      expect(latest.refreshToken).not.toBe(first.refreshToken);
      // Expiry known ahead of time: the caller's clock plus expires_in.
      expect(latest.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 86_400 * 1000);
      expect(latest.expiresAt.getTime()).toBeLessThanOrEqual(sandbox.keap.now() + 86_400 * 1000);
      // The old refresh token was spent by the rotation.
      await expect(
        sandbox.oauth.refresh({ refreshToken: first.refreshToken, now: new Date() }),
      ).rejects.toBeInstanceOf(KeapGrantRevokedError);
    });

    it('takes the cross-process lock around a refresh', async () => {
      const locked: string[] = [];
      tokens = new TokenManager({
        oauth: sandbox.oauth,
        store,
        now: () => new Date(sandbox.keap.now() + 86_400 * 1000),
        lock: async (accountId, fn) => {
          locked.push(accountId);
          return fn();
        },
      });
      await Promise.all([tokens.getAccessToken(ACCOUNT), tokens.getAccessToken(ACCOUNT)]);
      expect(locked).toEqual([ACCOUNT]);
    });

    it('reports a revoked grant as KeapGrantRevokedError', async () => {
      sandbox.keap.revokeGrants({ tenantId: DEMO_TENANT_ID });
      await expect(client().listTags()).rejects.toBeInstanceOf(KeapGrantRevokedError);
    });

    it('reports a 401 that a refreshed token does not cure as KeapAuthError, after one refresh', async () => {
      sandbox.keap.failNextCalls(2, 401);
      const error = await client()
        .listTags()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeapAuthError);
      expect(calls.map((c) => c.status)).toEqual([401, 401]);
      expect(store.saved).toHaveLength(2); // the connection, then the one refresh
    });

    it('reports a 403 as KeapForbiddenError, not an auth failure: no refresh, the grant still works', async () => {
      sandbox.keap.failNextCalls(1, 403);
      const keap = client();
      const error = await keap.createTag({ name: 'Not allowed' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeapForbiddenError);
      expect(error).not.toBeInstanceOf(KeapAuthError);
      expect((error as KeapForbiddenError).retryable).toBe(false);
      expect(calls.map((c) => c.status)).toEqual([403]);
      expect(store.saved).toHaveLength(1);
      expect((await keap.listTags()).items.length).toBeGreaterThan(0);
    });

    it("reports the token endpoint refusing the app's client secret as KeapClientCredentialsError", async () => {
      const misconfigured = new KeapOAuth({
        clientId: SANDBOX_KEAP_CLIENT.clientId,
        clientSecret: 'not-the-client-secret',
        authorizeUrl: `${sandbox.baseUrl}/app/oauth/authorize`,
        tokenUrl: `${sandbox.baseUrl}/token`,
      });
      const { refreshToken } = (await store.load(ACCOUNT))!;
      const error = await misconfigured
        .refresh({ refreshToken, now: new Date() })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeapClientCredentialsError);
      expect(error).not.toBeInstanceOf(KeapGrantRevokedError);
    });
  });

  describe('contacts', () => {
    it('reads a contact as the engine snapshot: names, emails, phones and custom fields', async () => {
      const keap = client();
      const snapshot = await keap.getContactSnapshot(await adaId(keap));
      expect(snapshot.fields).toEqual(
        expect.objectContaining({
          FirstName: 'Ada',
          LastName: 'Lovelace',
          Email: 'ada@example.com',
          Phone1: '+14155550101',
          Phone1Type: 'Mobile',
          Company: 'Analytical Engines',
          _FavoriteColor: 'Blue',
          _Budget: 1200,
        }),
      );
    });

    it('reads the field model once for clients sharing an account cache, even all at once', async () => {
      const cache = memoryAccountCache();
      const keap = client();
      const id = await adaId(keap);
      const clients = Array.from({ length: 5 }, () => client({ accountCache: cache }));
      await Promise.all(clients.map((c) => c.getContactSnapshot(id)));
      expect(calls.filter((c) => c.kind === 'contacts.model')).toHaveLength(1);
      // refresh reads it again, once, and the others get the fresh one from the cache.
      await clients[0]!.getContactModel({ refresh: true });
      await client({ accountCache: cache }).getContactModel();
      expect(calls.filter((c) => c.kind === 'contacts.model')).toHaveLength(2);
    });

    it('finds by phone within the given phone fields', async () => {
      const keap = client();
      expect((await keap.findContactsByPhone('+14155550102')).map((c) => c.given_name)).toEqual([
        'Grace',
      ]);
      expect(await keap.findContactsByPhone('+14155550102', ['PHONE2'])).toEqual([]);
    });

    it('saves standard and custom fields by merge-field key', async () => {
      const keap = client();
      const id = await adaId(keap);
      await keap.updateContactFields(id, {
        FirstName: 'Augusta',
        _Budget: '$1,500',
        Phone2: '+14155550999',
      });
      const snapshot = await keap.getContactSnapshot(id);
      expect(snapshot.fields).toEqual(
        expect.objectContaining({
          FirstName: 'Augusta',
          LastName: 'Lovelace',
          _Budget: 1500,
          Phone1: '+14155550101',
          Phone2: '+14155550999',
          Phone2Type: 'Mobile',
        }),
      );
    });

    it('creates a custom field in one call, then saves to it by its merge-field key once the model is read again', async () => {
      const keap = client();
      await keap.getContactModel();
      const created = await keap.createContactCustomField({
        label: 'Shoe size',
        field_type: 'WHOLE_NUMBER',
      });
      expect(created).toMatchObject({ label: 'Shoe size', field_name: 'Shoesize' });
      expect(calls.filter((c) => c.kind === 'fields.create')).toHaveLength(1);
      // The gate (the shared Keap budget) is asked for it and told its answer, as for any call.
      expect(observed.at(-1)).toMatchObject({ grant: { kind: 'fields.create' }, status: 201 });

      const id = await adaId(keap);
      await expect(keap.updateContactFields(id, { _Shoesize: '42' })).rejects.toThrow(/Shoesize/);
      await keap.getContactModel({ refresh: true });
      await keap.updateContactFields(id, { _Shoesize: '42' });
      expect((await keap.getContactSnapshot(id)).fields._Shoesize).toBe(42);

      const again = await keap
        .createContactCustomField({ label: 'shoe size', field_type: 'TEXT' })
        .catch((e: unknown) => e);
      expect(again).toBeInstanceOf(KeapValidationError);
      expect(again).toMatchObject({ status: 409 });
    });

    it('saves Phone2 without removing Phone1 (the texting number), and Email2 without removing Email: one read first, or none when the contact is given', async () => {
      const keap = client();
      const id = await adaId(keap);
      const gets = () => calls.filter((c) => c.kind === 'contacts.get').length;
      const ada = () =>
        sandbox.keap
          .describeContacts(sandbox.keap.tenant(DEMO_TENANT_ID))
          .find((p) => String(p.id) === String(id));
      await keap.updateContactFields(id, { Phone2: '+14155550999' });
      expect(gets()).toBe(1);
      await keap.updateContactFields(id, { EmailAddress2: 'ada.work@example.com' });
      expect(gets()).toBe(2);
      expect(ada()).toEqual(
        expect.objectContaining({
          phones: {
            PHONE1: { number: '+14155550101', type: 'Mobile' },
            PHONE2: { number: '+14155550999', type: 'Mobile' },
          },
          emails: { EMAIL1: 'ada@example.com', EMAIL2: 'ada.work@example.com' },
        }),
      );
      // The contact as read (with its lists) spares the read; one without them does not.
      const asRead = await keap.getContact(id);
      const before = gets();
      await keap.updateContactFields(id, { Email: 'ada@new.example', Phone3: '5550103' }, asRead);
      expect(gets()).toBe(before);
      await keap.updateContactFields(id, { Phone1Type: 'Work' }, { id: asRead.id });
      expect(gets()).toBe(before + 1);
      expect(ada()).toEqual(
        expect.objectContaining({
          phones: {
            PHONE1: { number: '+14155550101', type: 'Work' },
            PHONE2: { number: '+14155550999', type: 'Mobile' },
            PHONE3: { number: '5550103', type: 'Mobile' },
          },
          emails: { EMAIL1: 'ada@new.example', EMAIL2: 'ada.work@example.com' },
        }),
      );
      // Custom fields and names need no read.
      await keap.updateContactFields(id, { FirstName: 'Augusta', _Budget: '10' });
      expect(gets()).toBe(before + 1);
    });

    it('saves fax numbers, the shipping and other addresses, Zip+4 and the lead source id, one part at a time without wiping the rest', async () => {
      const keap = client();
      const id = await adaId(keap);
      await keap.updateContactFields(id, {
        Fax1: '5550101',
        StreetAddress1: '1 Main St',
        ZipFour1: '1234',
        Address2Street1: '2 Dock Rd',
        City2: 'Mesa',
        Address3Street1: '3 Side St',
        LeadSourceId: '12',
      });
      // One part each of a list Keap replaces whole: the client reads the contact first.
      const before = calls.filter((c) => c.kind === 'contacts.get').length;
      await keap.updateContactFields(id, { City2: 'Tempe' });
      await keap.updateContactFields(id, { Fax2: '5550102' });
      expect(calls.filter((c) => c.kind === 'contacts.get')).toHaveLength(before + 2);
      const snapshot = await keap.getContactSnapshot(id);
      expect(snapshot.fields).toEqual(
        expect.objectContaining({
          Fax1: '5550101',
          Fax2: '5550102',
          StreetAddress1: '1 Main St',
          ZipFour1: '1234',
          Address2Street1: '2 Dock Rd',
          City2: 'Tempe',
          Address3Street1: '3 Side St',
          LeadSourceId: '12',
          Phone1: '+14155550101',
        }),
      );
    });

    it('creates or updates by email without ever making a duplicate, even when two run at once', async () => {
      const keap = client();
      const [a, b] = await Promise.all([
        keap.createOrUpdateByEmail('new.person@example.com', { Phone1: '+14155550777' }),
        keap.createOrUpdateByEmail('new.person@example.com', { Phone1: '+14155550777' }),
      ]);
      expect(a.contact.id).toBe(b.contact.id);
      const updated = await keap.createOrUpdateByEmail('ada@example.com', {
        Phone1: '+14155550888',
      });
      expect(updated.created).toBe(false);
      const people = sandbox.keap.describeContacts(sandbox.keap.tenant(DEMO_TENANT_ID));
      expect(
        people.filter((p) => JSON.stringify(p.emails).includes('new.person@example.com')),
      ).toHaveLength(1);
      expect(people.filter((p) => JSON.stringify(p.emails).includes('ada@example.com'))).toEqual([
        expect.objectContaining({ phones: { PHONE1: { number: '+14155550888', type: 'Mobile' } } }),
      ]);
    });

    it('stores a phone on a contact found by email without removing its other phones and emails, and without another read', async () => {
      const keap = client();
      const id = await adaId(keap);
      await keap.updateContactFields(id, { EmailAddress2: 'ada.work@example.com' });
      calls.length = 0;
      // Found by its second email address: that one is not written again, nothing is removed.
      const { contact, created } = await keap.createOrUpdateByEmail('ada.work@example.com', {
        Phone2: '+14155550777',
      });
      expect(created).toBe(false);
      expect(contact.id).toBe(id);
      expect(calls.map((c) => c.kind)).toEqual(['contacts.list', 'contacts.update']);
      expect(
        sandbox.keap
          .describeContacts(sandbox.keap.tenant(DEMO_TENANT_ID))
          .find((p) => String(p.id) === String(id)),
      ).toEqual(
        expect.objectContaining({
          phones: {
            PHONE1: { number: '+14155550101', type: 'Mobile' },
            PHONE2: { number: '+14155550777', type: 'Mobile' },
          },
          emails: { EMAIL1: 'ada@example.com', EMAIL2: 'ada.work@example.com' },
        }),
      );
    });

    it('types a missing contact and a refused body', async () => {
      const keap = client();
      await expect(keap.getContact(999_999)).rejects.toBeInstanceOf(KeapNotFoundError);
      await expect(
        keap.createContact({ email_addresses: [{ email: 'bad@', field: 'EMAIL1' }] }),
      ).rejects.toBeInstanceOf(KeapValidationError);
    });
  });

  describe('batched reads and tag applies', () => {
    const seeded = () =>
      [...sandbox.keap.tenant(DEMO_TENANT_ID).contacts.keys()].map(Number).sort((a, b) => a - b);
    const listCalls = () => calls.filter((c) => c.kind === 'contacts.list');

    it('reads many contacts in one list call: exactly those that exist, each once', async () => {
      const keap = client();
      const [a, b, c] = seeded();
      const found = await keap.getContactsByIds([c!, String(a), 999_999, a!, b!]);
      expect([...found.keys()].sort((x, y) => x - y)).toEqual([a, b, c]);
      expect(found.get(a!)?.given_name).toBe('Ada');
      expect(found.get(a!)?.phone_numbers).toEqual(
        expect.arrayContaining([expect.objectContaining({ number: '+14155550101' })]),
      );
      expect(listCalls()).toHaveLength(1);
      // Nothing asked, nothing spent; an id that is not a number is refused before any call.
      expect((await keap.getContactsByIds([])).size).toBe(0);
      await expect(keap.getContactsByIds([a!, 'abc'])).rejects.toBeInstanceOf(KeapValidationError);
      expect(listCalls()).toHaveLength(1);
    });

    it('reads them as engine snapshots, the field model once', async () => {
      const keap = client();
      const [a] = seeded();
      const snapshots = await keap.getContactSnapshotsByIds([a!, 999_999]);
      expect([...snapshots.keys()]).toEqual([a]);
      expect(snapshots.get(a!)?.fields).toEqual(
        expect.objectContaining({ FirstName: 'Ada', Phone1: '+14155550101', _Budget: 1200 }),
      );
      await keap.getContactSnapshotsByIds([a!]);
      expect(calls.map((c) => c.kind).sort()).toEqual([
        'contacts.list',
        'contacts.list',
        'contacts.model',
      ]);
    });

    it(`splits past ${KEAP_MAX_IDS_PER_LIST} ids, one call per page`, async () => {
      const keap = client();
      const existing = seeded();
      const ids = [...existing, ...Array.from({ length: 2_100 }, (_, i) => 5_000 + i)];
      const found = await keap.getContactsByIds(ids);
      expect([...found.keys()].sort((x, y) => x - y)).toEqual(existing);
      expect(listCalls()).toHaveLength(Math.ceil(ids.length / KEAP_MAX_IDS_PER_LIST));
      expect(listCalls().every((c) => c.status === 200)).toBe(true);
      calls.length = 0;
      await keap.getContactsByIds(ids.slice(0, KEAP_MAX_IDS_PER_LIST));
      expect(listCalls()).toHaveLength(1);
    });

    it("splits long ids sooner, keeping each call under the gateway's request line limit", async () => {
      const keap = client();
      const existing = seeded();
      // Eight-digit ids: 1,000 of them would be a 9,000-character filter, which Keap's gateway refuses.
      const ids = [...existing, ...Array.from({ length: 990 }, (_, i) => 10_000_000 + i)];
      const found = await keap.getContactsByIds(ids);
      expect([...found.keys()].sort((x, y) => x - y)).toEqual(existing);
      expect(listCalls().map((c) => c.status)).toEqual([200, 200]);
    });

    it('applies one tag to many contacts in one call and reports each contact', async () => {
      const keap = client();
      const [a, b, c] = seeded();
      const tag = await keap.createTag({ name: 'Replied' });
      expect(await keap.applyTag(tag.id, a!)).toBe('applied');
      sandbox.keap.refuseTagApplies(sandbox.keap.tenant(DEMO_TENANT_ID), String(c), {
        tagId: tag.id,
      });
      calls.length = 0;
      const outcomes = await keap.applyTagToContacts(tag.id, [a!, String(b), c!, 999_999, b!]);
      expect(outcomes).toEqual(
        new Map<number, unknown>([
          [a!, 'already_applied'],
          [b!, 'applied'],
          [c!, { failed: 'Keap answered FAILURE' }],
          [999_999, { failed: 'Keap answered FAILURE' }],
        ]),
      );
      expect(calls.map((x) => x.kind)).toEqual(['tags.apply']);
      const tagged = (id: number) =>
        sandbox.keap.tagsOf(sandbox.keap.tenant(DEMO_TENANT_ID), String(id)).length;
      expect([tagged(a!), tagged(b!), tagged(c!)]).toEqual([1, 1, 0]);
      // Only the refused one goes again, and now takes.
      expect(await keap.applyTagToContacts(tag.id, [c!])).toEqual(new Map([[c!, 'applied']]));
    });

    it('takes a contact Keap left out of its answer as failed, retryably for a single apply', async () => {
      const http = axios.create();
      validator?.watch(http);
      const [a, b] = seeded();
      // Keap's answer loses b's status on the way back.
      http.interceptors.response.use((res) => {
        const results = (res.data as { results?: Record<string, string> })?.results;
        if (results) delete results[String(b)];
        return res;
      });
      const keap = client({ http });
      const tag = await keap.createTag({ name: 'Half answered' });
      expect(await keap.applyTagToContacts(tag.id, [a!, b!])).toEqual(
        new Map<number, unknown>([
          [a!, 'applied'],
          [b!, { failed: KEAP_NO_ANSWER_FOR_CONTACT }],
        ]),
      );
      const lost = await keap.applyTag(tag.id, b!).catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(KeapServerError);
      expect((lost as KeapServerError).retryable).toBe(true);
      sandbox.keap.refuseTagApplies(sandbox.keap.tenant(DEMO_TENANT_ID), String(a));
      await expect(keap.applyTag(tag.id, a!)).rejects.toBeInstanceOf(KeapValidationError);
    });
  });

  describe('tags and notes', () => {
    it('lists tags page by page', async () => {
      const all = await client().listAllTags(3);
      expect(all.map((t) => t.name)).toEqual([
        'SMS: Opted out',
        'SMS: Invalid number',
        'Interested',
        'Not interested',
      ]);
      expect(calls.filter((c) => c.kind === 'tags.list')).toHaveLength(2);
    });

    it('applies a tag twice harmlessly', async () => {
      const keap = client();
      const id = await adaId(keap);
      const tag = await keap.createTag({ name: 'Texted BLUE' });
      expect(await keap.applyTag(tag.id, id)).toBe('applied');
      expect(await keap.applyTag(tag.id, id)).toBe('already_applied');
      expect(
        sandbox.keap.tagsOf(sandbox.keap.tenant(DEMO_TENANT_ID), id).map((t) => t.name),
      ).toEqual(['Texted BLUE']);
    });

    it('achieves an API goal by integration and call name, one call each time', async () => {
      const keap = client();
      const id = await adaId(keap);
      calls.length = 0;
      expect(await keap.achieveGoal({ integration: 'smsSequences', callName: 'booked' }, id)).toBe(
        'achieved',
      );
      expect(calls.map((c) => c.kind)).toEqual(['goals.achieve']);
      expect(sandbox.keap.goalsOf(sandbox.keap.tenant(DEMO_TENANT_ID), String(id))).toEqual([
        expect.objectContaining({ integration: 'smsSequences', call_name: 'booked' }),
      ]);
      await expect(
        keap.achieveGoal({ integration: 'smsSequences', callName: 'booked' }, 999_999),
      ).rejects.toMatchObject({ retryable: false });
    });

    it('appends a transcript to the same note', async () => {
      const keap = client();
      const id = await adaId(keap);
      const note = await keap.createNote(id, { title: 'SMS: BLUE', text: 'first run' });
      await keap.appendToNote(id, note.id, 'second run');
      expect((await keap.getNote(id, note.id)).text).toBe('first run\n\nsecond run');
      expect(
        [...sandbox.keap.tenant(DEMO_TENANT_ID).notes.values()].filter((n) => n.contact_id === id),
      ).toHaveLength(1);
    });

    it("writes notes as userinfo's sub (the app's user, not the global id), read once per account", async () => {
      const cache = memoryAccountCache();
      const id = await adaId(client());
      const first = await client({ accountCache: cache }).createNote(id, { title: 'A', text: 'a' });
      await client({ accountCache: cache }).createNote(id, { title: 'B', text: 'b' });
      await client({ accountCache: cache }).appendToNote(id, first.id, 'more');
      expect(calls.filter((c) => c.kind === 'oauth.userinfo')).toHaveLength(1);
      const stored = sandbox.keap.tenant(DEMO_TENANT_ID).notes.get(first.id);
      expect(stored?.user_id).toBe('1');
      const info = await client().getUserInfo();
      expect(info.id).not.toBe(info.sub);
    });

    it.each<[string, { status?: number; drop?: boolean }]>([
      ['a 5xx', { status: 502 }],
      ['no answer', { drop: true }],
    ])('creates one note when Keap applies the create but %s comes back', async (_what, fault) => {
      const keap = client();
      const id = await adaId(keap);
      const notesOf = () =>
        [...sandbox.keap.tenant(DEMO_TENANT_ID).notes.values()].filter((n) => n.contact_id === id);
      sandbox.keap.failNextCalls(1, fault.status ?? 503, {
        afterApplying: true,
        drop: fault.drop ?? false,
        operations: ['createNote'],
      });
      const marker = 'ref conv-1';
      const note = await keap.createNote(id, {
        title: 'SMS: BLUE',
        text: `run 1 ${marker}`,
        marker,
      });
      expect(notesOf()).toHaveLength(1);
      expect(note.id).toBe(notesOf()[0]?.id);
      // A later retry of the same work (its outcome unknown) finds the note instead of adding one.
      const again = await keap.createNote(
        id,
        { title: 'SMS: BLUE', text: `run 1 ${marker}`, marker },
        { lookFirst: true },
      );
      expect(again.id).toBe(note.id);
      expect(notesOf()).toHaveLength(1);
      expect(calls.filter((c) => c.kind === 'notes.create')).toHaveLength(1);
    });

    it('finds a note whose title has Keap filter characters (; , *) in it', async () => {
      const keap = client();
      const id = await adaId(keap);
      const title = 'SMS: Size; colour, *fit*';
      const note = await keap.createNote(id, { title, text: 'run 1 ref c1' });
      await keap.createNote(id, { title: 'SMS: Size', text: 'run 1 ref c1' });
      expect((await keap.findNote(id, { title, marker: 'ref c1' }))?.id).toBe(note.id);
      const search = calls.filter((c) => c.kind === 'notes.list');
      expect(search).toHaveLength(1);
    });

    it('appends a transcript once when the append is retried after a lost answer', async () => {
      const keap = client();
      const id = await adaId(keap);
      const note = await keap.createNote(id, { title: 'SMS: BLUE', text: 'run 1 ref c1' });
      sandbox.keap.failNextCalls(1, 503, { afterApplying: true, operations: ['updateNote'] });
      // The PATCH is applied but answered 503: the client's own retry re-sends the same text.
      await keap.appendToNote(id, note.id, 'run 2 ref c2', { marker: 'ref c2' });
      // The queue's retry of the whole job reads the note, finds its marker and leaves it.
      await keap.appendToNote(id, note.id, 'run 2 ref c2', { marker: 'ref c2' });
      expect((await keap.getNote(id, note.id)).text).toBe('run 1 ref c1\n\nrun 2 ref c2');
    });

    it('appends only the parts whose marker the note lacks, in one write', async () => {
      const keap = client();
      const id = await adaId(keap);
      const note = await keap.createNote(id, { title: 'SMS: BLUE', text: 'run 1 ref c1' });
      calls.length = 0;
      await keap.appendToNote(id, note.id, [
        { text: 'run 1 ref c1', marker: 'ref c1' },
        { text: 'run 2 ref c2', marker: 'ref c2' },
        { text: 'run 3 ref c3', marker: 'ref c3' },
      ]);
      expect((await keap.getNote(id, note.id)).text).toBe(
        'run 1 ref c1\n\nrun 2 ref c2\n\nrun 3 ref c3',
      );
      calls.length = 0;
      // Every part there already: read, no write.
      await keap.appendToNote(id, note.id, [{ text: 'run 2 ref c2', marker: 'ref c2' }]);
      expect(calls.map((c) => c.kind)).toEqual(['notes.get']);
    });

    it('creates a note of several parts; a retry bringing one more finds it and adds only that one', async () => {
      const keap = client();
      const id = await adaId(keap);
      const notesOf = () =>
        [...sandbox.keap.tenant(DEMO_TENANT_ID).notes.values()].filter((n) => n.contact_id === id);
      const c1 = { text: 'run 1 ref c1', marker: 'ref c1' };
      const c2 = { text: 'run 2 ref c2', marker: 'ref c2' };
      const c3 = { text: 'run 3 ref c3', marker: 'ref c3' };
      const note = await keap.createNote(id, { title: 'SMS: BLUE', parts: [c1, c2] });
      expect(notesOf().map((n) => n.text)).toEqual(['run 1 ref c1\n\nrun 2 ref c2']);
      calls.length = 0;
      const again = await keap.createNote(
        id,
        { title: 'SMS: BLUE', parts: [c1, c2, c3] },
        { lookFirst: true },
      );
      expect(again.id).toBe(note.id);
      expect(notesOf().map((n) => n.text)).toEqual([
        'run 1 ref c1\n\nrun 2 ref c2\n\nrun 3 ref c3',
      ]);
      // The note found is appended to as read: no second read of it.
      expect(calls.map((c) => c.kind)).toEqual(['notes.list', 'notes.update']);
      // Its markers are all there now: found, nothing written.
      calls.length = 0;
      await keap.createNote(id, { title: 'SMS: BLUE', parts: [c2, c3] }, { lookFirst: true });
      expect(calls.map((c) => c.kind)).toEqual(['notes.list']);
      expect(notesOf()).toHaveLength(1);
    });
  });

  describe('rate limits', () => {
    it('waits out a 429 for its Retry-After, where Keap sends one, and tells the gate about every response', async () => {
      sandbox.keap.setQuotas({ appPerMinute: 2 });
      sandbox.keap.setThrottleStyle({ retryAfter: true });
      const keap = client({ retry: { maxDelayMs: 60_000 } });
      await keap.listTags();
      await keap.listTags();
      await keap.listTags();
      expect(calls.map((c) => c.status)).toEqual([200, 200, 429, 200]);
      expect(observed[2]).toEqual(
        expect.objectContaining({
          status: 429,
          grant: expect.objectContaining({
            accountId: ACCOUNT,
            priority: 'interactive',
            kind: 'tags.list',
          }),
        }),
      );
      // Each attempt is answered to the gate with the grant it was given.
      expect(new Set(observed.map((o) => o.grant.grantId)).size).toBe(4);
      expect(observed[2]?.headers['x-keap-product-throttle-available']).toBe('0');
      expect(keap.callCounts()).toEqual({ 'tags.list': 4 });
    });

    it('without Retry-After, as Keap answers, rides out the spike limit with its own growing backoff', async () => {
      sandbox.keap.setQuotas({ appPerSecond: 2 });
      const sleeps: number[] = [];
      const keap = client({
        sleep: async (ms) => {
          sleeps.push(ms);
          sandbox.keap.advanceClock(ms);
        },
      });
      await keap.listTags();
      await keap.listTags();
      expect((await keap.listTags()).items.length).toBeGreaterThan(0);

      const statuses = calls.map((c) => c.status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 429]);
      expect(statuses.at(-1)).toBe(200);
      expect(observed.find((o) => o.status === 429)?.headers['retry-after']).toBeUndefined();
      // Exponential from 500 ms with jitter: attempt n waits between half and all of 500·2^(n-1).
      sleeps.forEach((ms, i) => {
        expect(ms).toBeGreaterThanOrEqual(250 * 2 ** i);
        expect(ms).toBeLessThanOrEqual(500 * 2 ** i);
      });
    });

    it('without Retry-After, a minute throttle outlasting the backoff is a retryable KeapRateLimitedError', async () => {
      sandbox.keap.setQuotas({ appPerMinute: 2 });
      const keap = client();
      await keap.listTags();
      await keap.listTags();
      const error = await keap.listTags().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeapRateLimitedError);
      expect((error as KeapRateLimitedError).retryable).toBe(true);
      expect(calls.map((c) => c.status)).toEqual([200, 200, 429, 429, 429, 429]);
    });

    it('rides out a short Keap outage, and types a longer one as retryable', async () => {
      const keap = client();
      sandbox.keap.failNextCalls(2, 503);
      expect((await keap.listTags()).items.length).toBeGreaterThan(0);
      expect(calls.map((c) => c.status)).toEqual([503, 503, 200]);
      sandbox.keap.failNextCalls(10, 502);
      const error = await keap.listTags().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeapServerError);
      expect((error as KeapServerError).retryable).toBe(true);
      expect(calls).toHaveLength(3 + 4);
    });

    it('types an unreachable Keap as a retryable network error, and answers the gate for every attempt', async () => {
      const error = await client({ baseUrl: 'http://127.0.0.1:1/crm', retry: { maxAttempts: 2 } })
        .listTags()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeapNetworkError);
      expect(calls.map((c) => c.status)).toEqual([0, 0]);
      // The budget holds a granted call as in flight until it is observed: a failure must release it.
      expect(observed.map((o) => [o.status, o.headers])).toEqual([
        [0, {}],
        [0, {}],
      ]);
    });

    it('reports the daily quota gone as KeapQuotaExhaustedError without retrying', async () => {
      sandbox.keap.setQuotas({ appPerDay: 1 });
      const keap = client();
      await keap.listTags();
      const error = await keap.listTags().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeapQuotaExhaustedError);
      expect((error as KeapQuotaExhaustedError).resetsAt?.getUTCHours()).toBe(0);
      expect(calls).toHaveLength(2);
    });

    it('keeps what Keap did when the gate cannot take the answer (its Redis is down)', async () => {
      const gateErrors: unknown[] = [];
      const failing: KeapRequestGate = {
        acquire: async (ctx) => ctx,
        observe: async () => {
          throw new Error('Connection is closed.');
        },
      };
      const keap = client({ gate: failing, onGateError: (err) => gateErrors.push(err) });
      const id = await adaId(client());
      const note = await keap.createNote(id, { title: 'SMS: BLUE', text: 'once' });
      expect(note.id).toBeTruthy();
      expect(calls.filter((c) => c.kind === 'notes.create')).toHaveLength(1);
      expect(
        [...sandbox.keap.tenant(DEMO_TENANT_ID).notes.values()].filter((n) => n.contact_id === id),
      ).toHaveLength(1);
      expect(gateErrors.length).toBeGreaterThanOrEqual(1);
    });

    it("gives up on a call no later than the gate's maxCallMs", () => {
      const base = {
        baseUrl: 'http://127.0.0.1:1/crm',
        accountId: ACCOUNT,
        accessToken: async () => 't',
      };
      const short: KeapRequestGate = { ...gate, maxCallMs: 4000 };
      expect(new KeapHttp({ ...base, gate: short }).attemptTimeoutMs).toBe(4000);
      expect(new KeapHttp({ ...base, gate: short, timeoutMs: 1000 }).attemptTimeoutMs).toBe(1000);
      expect(new KeapHttp({ ...base, gate }).attemptTimeoutMs).toBe(15_000);
    });
  });
});
