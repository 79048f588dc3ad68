import axios from 'axios';
import { DEMO_TENANT_ID } from '@sms-seq/sandbox';
import { KeapClient } from './keap-client';
import { TokenManager } from './token-manager';
import {
  KeapGrantRevokedError,
  KeapNetworkError,
  KeapNotFoundError,
  KeapServerError,
  KeapQuotaExhaustedError,
  KeapValidationError,
} from './errors';
import type { KeapCallRecord } from './keap-http';
import type { KeapContactModel } from './keap.types';
import type { KeapCallContext, KeapRequestGate } from './request-gate';
import { KeapSandboxHarness, MemoryTokenStore, REDIRECT_URI } from './testing/keap-sandbox-harness';
import { haveKeapSpec, KEAP_SPEC_PATH, KeapSpecValidator } from './testing/keap-spec-validator';

if (!haveKeapSpec)
  console.warn(`Keap client tests skipped: ${KEAP_SPEC_PATH} not found (set API_SPECS_DIR).`);
const describeWithSpec = haveKeapSpec ? describe : describe.skip;

const ACCOUNT = 'acct-1';

describeWithSpec('KeapClient against the Keap sandbox', () => {
  let sandbox: KeapSandboxHarness;
  let validator: KeapSpecValidator;
  let store: MemoryTokenStore;
  let tokens: TokenManager;
  let calls: KeapCallRecord[];
  let observed: { ctx: KeapCallContext; status: number; headers: Record<string, string> }[];

  beforeAll(async () => {
    validator = await KeapSpecValidator.load();
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
    validator.requests.length = 0;
  });

  afterEach(() => {
    // Every request the client sent is an operation of the official spec, with a valid query and body.
    expect(validator.failures()).toEqual([]);
  });

  const gate: KeapRequestGate = {
    acquire: async () => undefined,
    observe: (ctx, status, headers) => {
      observed.push({ ctx, status, headers });
    },
  };

  function client(
    overrides: Partial<ConstructorParameters<typeof KeapClient>[0]> = {},
  ): KeapClient {
    const http = axios.create();
    validator.watch(http);
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

    it('reads the field model once for clients sharing a model cache', async () => {
      const shared = new Map<string, KeapContactModel>();
      const cache = {
        get: async (id: string) => shared.get(id) ?? null,
        set: async (id: string, m: KeapContactModel) => void shared.set(id, m),
      };
      const first = client({ contactModelCache: cache });
      const second = client({ contactModelCache: cache });
      const id = await adaId(first);
      await first.getContactSnapshot(id);
      await second.getContactSnapshot(id);
      expect(calls.filter((c) => c.kind === 'contacts.model')).toHaveLength(1);
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

    it('types a missing contact and a refused body', async () => {
      const keap = client();
      await expect(keap.getContact(999_999)).rejects.toBeInstanceOf(KeapNotFoundError);
      await expect(
        keap.createContact({ email_addresses: [{ email: 'bad@', field: 'EMAIL1' }] }),
      ).rejects.toBeInstanceOf(KeapValidationError);
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
  });

  describe('rate limits', () => {
    it('waits out a 429 with backoff and tells the gate about every response', async () => {
      sandbox.keap.setQuotas({ appPerMinute: 2 });
      const keap = client({ retry: { maxDelayMs: 60_000 } });
      await keap.listTags();
      await keap.listTags();
      await keap.listTags();
      expect(calls.map((c) => c.status)).toEqual([200, 200, 429, 200]);
      expect(observed[2]).toEqual(
        expect.objectContaining({
          status: 429,
          ctx: { accountId: ACCOUNT, priority: 'interactive', kind: 'tags.list' },
        }),
      );
      expect(observed[2]?.headers['x-keap-product-throttle-available']).toBe('0');
      expect(keap.callCounts()).toEqual({ 'tags.list': 4 });
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
  });
});
