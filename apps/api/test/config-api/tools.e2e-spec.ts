import {
  DEMO_ACCOUNT_SID,
  DEMO_AUTH_TOKEN,
  DEMO_MESSAGING_SERVICE_SID,
  DEMO_TENANT_ID,
  SECOND_ACCOUNT_SID,
  SECOND_API_KEY_SECRET,
  SECOND_API_KEY_SID,
  SECOND_AUTH_TOKEN,
  SECOND_NUMBER,
  SECOND_TENANT_ID,
} from '@sms-seq/sandbox';
import { DataSource } from 'typeorm';
import { buildOpenApiDocument } from '../../src/app/openapi';
import { SealToolUrlSecrets1796305740723 } from '../../src/database/migrations/1796305740723-SealToolUrlSecrets';
import { type Browser, type ConfigApi, startConfigApi } from './support/config-api-harness';
import { aPublishableTool, aToolThatTagsAndSaves, SANDBOX_NUMBER } from './support/tool-builder';

describe('Tools API', () => {
  let api: ConfigApi;
  let a: Browser;
  let b: Browser;

  beforeAll(async () => {
    api = await startConfigApi();
    a = await api.signIn(DEMO_TENANT_ID);
    b = await api.signIn(SECOND_TENANT_ID);
    await a.agent
      .put('/api/twilio/connection')
      .set('x-csrf-token', a.csrf)
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN })
      .expect((res) =>
        expect([res.status, res.body]).toEqual([
          200,
          { connected: true, accountSid: DEMO_ACCOUNT_SID },
        ]),
      );
  });
  afterAll(() => api.close());

  const post = (who: Browser, url: string, body?: object) =>
    who.agent.post(url).set('x-csrf-token', who.csrf).send(body);
  const put = (who: Browser, url: string, body?: object) =>
    who.agent.put(url).set('x-csrf-token', who.csrf).send(body);

  it('creates a tool as the engine drafts it, with a tool URL and the HTTP Post instructions', async () => {
    const res = await post(a, '/api/tools', { name: 'Welcome' }).expect(201);
    expect(res.body).toMatchObject({
      name: 'Welcome',
      draftRevision: 1,
      publishedVersion: null,
      hasUnpublishedChanges: true,
      enabled: true,
    });
    expect(res.body.draft.steps[0].name).toBe('Request Email Address');
    expect(res.body.toolUrl).toMatch(
      new RegExp(`^http://api.test.local/hooks/tools/${res.body.id}/[A-Za-z0-9_-]{32}$`),
    );
    expect(res.body.httpPostInstructions.join(' ')).toContain('contactId = ~Contact.Id~');
    expect(res.body.problems.length).toBeGreaterThan(0);
    const list = await a.agent.get('/api/tools').expect(200);
    expect(list.body.tools).toEqual([
      expect.objectContaining({
        id: res.body.id,
        status: 'draft',
        publishedVersion: null,
        conversationsToday: 0,
      }),
    ]);
  });

  it('saves drafts with problems, refuses stale revisions (409) and JSON that does not fit the schema (400)', async () => {
    const created = await post(a, '/api/tools', { name: 'Drafty' }).expect(201);
    const draft = { ...created.body.draft, keyword: 'STOP' };
    const saved = await put(a, `/api/tools/${created.body.id}`, { draft, draftRevision: 1 }).expect(
      200,
    );
    expect(saved.body.draftRevision).toBe(2);
    expect(saved.body.problems).toContainEqual(
      expect.objectContaining({ code: 'keyword_reserved', path: ['keyword'] }),
    );
    const stale = await put(a, `/api/tools/${created.body.id}`, { draft, draftRevision: 1 }).expect(
      409,
    );
    expect(stale.body.error.code).toBe('stale_draft');
    const bad = await put(a, `/api/tools/${created.body.id}`, {
      draft: { ...draft, steps: 'nope' },
      draftRevision: 2,
    }).expect(400);
    expect(bad.body.error.details).toContainEqual(expect.objectContaining({ path: ['steps'] }));
  });

  it('refuses to publish a tool with errors, listing them (422)', async () => {
    const created = await post(a, '/api/tools', { name: 'Unready' }).expect(201);
    const res = await post(a, `/api/tools/${created.body.id}/publish`).expect(422);
    expect(res.body.error.code).toBe('tool_has_problems');
    expect(res.body.error.details).toContainEqual(
      expect.objectContaining({ severity: 'error', code: 'sender_missing' }),
    );
    await a.agent.get(`/api/tools/${created.body.id}/versions`).expect(200, { versions: [] });
  });

  it('publishes immutable versions and points the number at this app', async () => {
    const created = await post(a, '/api/tools', { name: 'Colour survey' }).expect(201);
    const id = created.body.id as string;
    await put(a, `/api/tools/${id}`, { draft: aPublishableTool(), draftRevision: 1 }).expect(200);
    const v1 = await post(a, `/api/tools/${id}/publish`).expect(201);
    expect(v1.body).toMatchObject({ version: 1 });
    const detail = await a.agent.get(`/api/tools/${id}`).expect(200);
    expect(detail.body).toMatchObject({
      publishedVersion: { id: v1.body.id, version: 1 },
      hasUnpublishedChanges: false,
    });

    const changed = {
      ...detail.body.draft,
      steps: detail.body.draft.steps.map((s: { id: string; message: string }) =>
        s.id === 'thanks' ? { ...s, message: 'Thank you!' } : s,
      ),
    };
    await put(a, `/api/tools/${id}`, {
      draft: changed,
      draftRevision: detail.body.draftRevision,
    }).expect(200);
    expect((await a.agent.get(`/api/tools/${id}`)).body.hasUnpublishedChanges).toBe(true);
    const v2 = await post(a, `/api/tools/${id}/publish`).expect(201);
    expect(v2.body.version).toBe(2);
    const versions = await a.agent.get(`/api/tools/${id}/versions`).expect(200);
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    // Version 1 still runs the old text: a simulation of it is unchanged by the later edit.
    const sim = await post(a, `/api/tools/${id}/simulate`, {
      versionId: v1.body.id,
      start: { mode: 'http_post', startStepId: 'ask-colour' },
      contact: { fields: { FirstName: 'Ann' } },
      replies: ['I like blue'],
    }).expect(200);
    const texts = sim.body.turns.flatMap((t: { messages: { body: string }[] }) =>
      t.messages.map((m) => m.body),
    );
    expect(texts).toEqual(['Thanks Ann! Blue or red? Text STOP to stop.', 'Great choice.']);
    expect(sim.body.turns[1].matched).toMatchObject({ conditionId: 'blue' });
    // "Great choice." is a closing message: the conversation ends as it is sent, as at runtime.
    expect(sim.body.turns[1].endedWith).toBe('finished');

    const senders = await a.agent.get('/api/twilio/senders').expect(200);
    expect(senders.body.phoneNumbers).toContainEqual(
      expect.objectContaining({
        phoneNumber: '+14155550100',
        smsUrl: 'http://api.test.local/hooks/twilio/sms#rc=5&rp=5xx,ct,rt',
        connected: true,
      }),
    );
    const list = await a.agent.get('/api/tools').expect(200);
    expect(list.body.tools).toContainEqual(
      expect.objectContaining({ id, status: 'published', publishedVersion: 2, keyword: 'COLOR' }),
    );
  });

  it('simulates a draft without sending a text or calling Keap', async () => {
    const created = await post(a, '/api/tools', { name: 'Sim' }).expect(201);
    await put(a, `/api/tools/${created.body.id}`, {
      draft: aPublishableTool('Sim', 'SIM'),
      draftRevision: 1,
    }).expect(200);
    const sentBefore = api.sandbox.twilio.conversationOf('+15555550123').length;
    const keapBefore = JSON.stringify(api.sandbox.keap.callCounts());
    const sim = await post(a, `/api/tools/${created.body.id}/simulate`, {
      start: { mode: 'keyword' },
      contact: { fields: {} },
      replies: ['ann@example.com', 'red'],
    }).expect(200);
    expect(sim.body.status).toBe('finished');
    expect(sim.body.turns[1].contactLookups).toEqual([
      expect.objectContaining({ email: 'ann@example.com' }),
    ]);
    expect(api.sandbox.twilio.conversationOf('+15555550123').length).toBe(sentBefore);
    expect(JSON.stringify(api.sandbox.keap.callCounts())).toBe(keapBefore);
  });

  it('simulates the tag and the field save a reply would make, as outcomes, without touching Keap', async () => {
    const tags = (await a.agent.get('/api/keap/tags').expect(200)).body.tags as {
      id: number;
      name: string;
    }[];
    const interested = tags.find((t) => t.name === 'Interested')?.id ?? 0;
    expect(interested).toBeGreaterThan(0);
    const created = await post(a, '/api/tools', { name: 'Tags and fields' }).expect(201);
    await put(a, `/api/tools/${created.body.id}`, {
      draft: aToolThatTagsAndSaves(interested),
      draftRevision: 1,
    }).expect(200);
    const keapBefore = JSON.stringify(api.sandbox.keap.callCounts());
    const sim = await post(a, `/api/tools/${created.body.id}/simulate`, {
      start: { mode: 'http_post', startStepId: 'ask-colour' },
      contact: { fields: { FirstName: 'Ann' } },
      replies: ['Light blue'],
    }).expect(200);
    expect(sim.body.turns[1]).toMatchObject({
      input: { kind: 'reply', text: 'Light blue' },
      stepId: 'ask-colour',
      matched: { conditionId: 'blue' },
      tags: [{ tagId: interested, reason: expect.any(String) }],
      fieldSaves: [{ field: '_FavoriteColor', value: 'Light blue' }],
    });
    expect(sim.body.turns[1].messages.map((m: { body: string }) => m.body)).toEqual([
      'Great choice.',
    ]);
    // A reply down the other branch saves the field but applies no tag.
    const red = await post(a, `/api/tools/${created.body.id}/simulate`, {
      start: { mode: 'http_post', startStepId: 'ask-colour' },
      replies: ['red'],
    }).expect(200);
    expect(red.body.turns[1]).toMatchObject({
      tags: [],
      fieldSaves: [{ field: '_FavoriteColor', value: 'red' }],
    });
    expect(JSON.stringify(api.sandbox.keap.callCounts())).toBe(keapBefore);
  });

  it('exports a tool and imports it back; bad JSON gets every problem and saves nothing', async () => {
    const created = await post(a, '/api/tools', { name: 'Exported' }).expect(201);
    await put(a, `/api/tools/${created.body.id}`, {
      draft: aPublishableTool('Exported', 'EXP'),
      draftRevision: 1,
    }).expect(200);
    const file = await a.agent.get(`/api/tools/${created.body.id}/export`).expect(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename="Exported.json"');
    const imported = await post(a, '/api/tools/import', { definition: file.body }).expect(201);
    const { keap, ...definition } = file.body;
    expect(keap).toEqual({ app: DEMO_TENANT_ID, tags: {}, fields: {} });
    expect(imported.body.draft).toEqual(definition);
    expect(imported.body.id).not.toBe(created.body.id);

    const before = (await a.agent.get('/api/tools')).body.tools.length;
    const bad = await post(a, '/api/tools/import', {
      definition: { ...file.body, name: '', startMode: 'sometimes', steps: [{ id: 'has space' }] },
    }).expect(400);
    expect(bad.body.error.code).toBe('invalid_tool_definition');
    const paths = bad.body.error.details.map((p: { path: (string | number)[] }) =>
      p.path.join('.'),
    );
    expect(paths).toEqual(expect.arrayContaining(['name', 'startMode', 'steps.0.id']));
    expect((await a.agent.get('/api/tools')).body.tools.length).toBe(before);
  });

  it('rotates the URL secret: the old tool URL stops working (404), the new one starts the tool (202)', async () => {
    const created = await post(a, '/api/tools', { name: 'Rotating' }).expect(201);
    const id = created.body.id as string;
    await put(a, `/api/tools/${id}`, {
      draft: aPublishableTool('Rotating', 'ROT'),
      draftRevision: 1,
    }).expect(200);
    await post(a, `/api/tools/${id}/publish`).expect(201);
    const start = (toolUrl: string) =>
      api.anonymous().post(new URL(toolUrl).pathname).type('form').send({ contactId: '7' });
    const before = created.body.toolUrl as string;
    expect((await start(before)).status).toBe(202);
    const rotated = await post(a, `/api/tools/${id}/url-secret/rotate`).expect(200);
    expect(rotated.body.toolUrl).not.toBe(before);
    const old = await start(before);
    expect([old.status, old.body.error?.code]).toEqual([404, 'tool_not_found']);
    expect((await start(rotated.body.toolUrl)).status).toBe(202);
    expect((await a.agent.get(`/api/tools/${id}`)).body.toolUrl).toBe(rotated.body.toolUrl);
  });

  it('keeps the tool URL secret sealed at rest, and seals one stored in clear before sealing existed', async () => {
    const created = await post(a, '/api/tools', { name: 'Sealed' }).expect(201);
    const id = created.body.id as string;
    const secret = String(created.body.toolUrl).split('/').pop() ?? '';
    const db = api.app.get(DataSource);
    const storedSecret = async () =>
      (await db.query('SELECT url_secret s FROM tools WHERE id = $1', [id]))[0].s as string;
    expect(await storedSecret()).toMatch(/^v2\./);
    expect(await storedSecret()).not.toContain(secret);
    // A row from before: the secret in clear. The URL keeps working, and the migration seals it
    // with the app's key (the app's own DataSource runs it, as at start).
    const legacy = 'LegacySecretStoredInClear000001';
    await db.query('UPDATE tools SET url_secret = $2 WHERE id = $1', [id, legacy]);
    expect((await a.agent.get(`/api/tools/${id}`)).body.toolUrl).toMatch(new RegExp(`/${legacy}$`));
    const runner = db.createQueryRunner();
    await new SealToolUrlSecrets1796305740723().up(runner).finally(() => runner.release());
    expect(await storedSecret()).toMatch(/^v2\./);
    expect(await storedSecret()).not.toContain(legacy);
    expect((await a.agent.get(`/api/tools/${id}`)).body.toolUrl).toMatch(new RegExp(`/${legacy}$`));
  });

  it('enables and disables, deletes', async () => {
    const created = await post(a, '/api/tools', { name: 'Short-lived' }).expect(201);
    expect(
      (await post(a, `/api/tools/${created.body.id}/enabled`, { enabled: false }).expect(200)).body
        .enabled,
    ).toBe(false);
    await a.agent.delete(`/api/tools/${created.body.id}`).set('x-csrf-token', a.csrf).expect(204);
    await a.agent.get(`/api/tools/${created.body.id}`).expect(404);
  });

  describe('conversations today', () => {
    /** The tool's conversationsToday, as the list shows it for a browser in that zone. */
    const today = async (toolId: string, query = '') => {
      const res = await a.agent.get(`/api/tools${query}`).expect(200);
      return res.body.tools.find((t: { id: string }) => t.id === toolId).conversationsToday;
    };
    /** The instant local midnight began today in the zone (the date from Intl, the instant from PostgreSQL). */
    const localMidnight = async (zone: string): Promise<Date> => {
      const date = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
      const [row] = await api.app
        .get(DataSource)
        .query(`SELECT ($1::timestamp AT TIME ZONE $2) AS at`, [`${date} 00:00`, zone]);
      return row.at;
    };

    it('counts from local midnight in the tz the console sends, not from 00:00 UTC', async () => {
      // A zone whose midnight was not UTC's today: Pago Pago (UTC-11) once it is 11:00 UTC, else Tokyo (UTC+9).
      const zone = new Date().getUTCHours() >= 11 ? 'Pacific/Pago_Pago' : 'Asia/Tokyo';
      const created = await post(a, '/api/tools', { name: 'Zones' }).expect(201);
      const toolId: string = created.body.id;
      await put(a, `/api/tools/${toolId}`, {
        draft: aPublishableTool('Zones', 'ZONE'),
        draftRevision: 1,
      }).expect(200);
      const versionId: string = (await post(a, `/api/tools/${toolId}/publish`).expect(201)).body.id;
      const midnight = (await localMidnight(zone)).getTime();
      const minute = 60_000;
      const db = api.app.get(DataSource);
      for (const [phone, at] of [
        ['+15555550181', new Date(midnight - minute)], // 23:59 yesterday there
        ['+15555550182', new Date(Math.min(midnight + minute, Date.now()))], // 00:01 today there
      ] as const) {
        await db.query(
          `INSERT INTO conversations (account_id, tool_id, tool_version_id, phone, sender_key, contact, state, status, current_step_id, trigger, started_at, last_activity_at)
           VALUES ($1, $2, $3, $4, 'phone:+14155550100', '{"id":null,"fields":{}}', '{}', 'finished', NULL, 'keyword', $5, $5)`,
          [a.accountId, toolId, versionId, phone, at],
        );
      }
      expect(await today(toolId, `?tz=${encodeURIComponent(zone)}`)).toBe(1);
      // From 00:00 UTC the same two conversations count otherwise (both, or neither).
      expect(await today(toolId)).not.toBe(1);
      expect(await today(toolId, '?tz=UTC')).toBe(await today(toolId));
    });

    it.each(['Mars/Olympus_Mons', '+05:00', 'EST5EDT;DROP', ''])(
      'refuses tz=%j with a 400 saying what a time zone looks like',
      async (zone) => {
        const res = await a.agent.get(`/api/tools?tz=${encodeURIComponent(zone)}`).expect(400);
        expect(res.body.error).toMatchObject({
          code: 'invalid_input',
          message: expect.stringMatching(
            /^Your computer’s time zone is not one the server can read/,
          ),
        });
      },
    );
  });

  describe('multi-tenancy and security, for every endpoint', () => {
    let toolId: string;
    let versionId: string;
    let conversationId: string;
    let bToolId: string;
    let toolUrlOfA: string;

    beforeAll(async () => {
      const created = await post(a, '/api/tools', { name: 'Private' }).expect(201);
      toolId = created.body.id;
      toolUrlOfA = created.body.toolUrl;
      await put(a, `/api/tools/${toolId}`, {
        draft: aPublishableTool('Private', 'PRIV'),
        draftRevision: 1,
      }).expect(200);
      versionId = (await post(a, `/api/tools/${toolId}/publish`).expect(201)).body.id;
      const db = api.app.get(DataSource);
      const [row] = await db.query(
        `INSERT INTO conversations (account_id, tool_id, tool_version_id, phone, sender_key, contact, state, status, current_step_id, trigger, started_at, last_activity_at)
         VALUES ($1, $2, $3, '+15555550142', 'phone:+14155550100', '{"id":null,"fields":{}}', '{}', 'awaiting_reply', 'ask-colour', 'keyword', now(), now()) RETURNING id`,
        [a.accountId, toolId, versionId],
      );
      conversationId = row.id;
      // A keyword text A's account refused while its Keap was away.
      await db.query(
        `INSERT INTO messages (account_id, direction, phone, sender_key, body, status, error_code)
         VALUES ($1, 'in', '+15555550177', 'phone:+14155550100', 'PRIV', 'processed', 'keap_disconnected')`,
        [a.accountId],
      );
      // A number that opted out of A's sender.
      await db.query(
        `INSERT INTO opt_outs (account_id, sender_key, phone, source) VALUES ($1, 'phone:+14155550100', '+15555550188', 'STOP')`,
        [a.accountId],
      );
      // B: its own Twilio account (with an API key) and its own published tool.
      await put(b, '/api/twilio/connection', bTwilio).expect(200);
      const bTool = await post(b, '/api/tools', { name: 'B tool' }).expect(201);
      bToolId = bTool.body.id;
      await put(b, `/api/tools/${bToolId}`, {
        draft: {
          ...aPublishableTool('B tool', 'BEE'),
          sender: { kind: 'phone_number', phoneNumber: SECOND_NUMBER },
        },
        draftRevision: 1,
      }).expect(200);
      await post(b, `/api/tools/${bToolId}/publish`).expect(201);
    });

    const bTwilio = {
      accountSid: SECOND_ACCOUNT_SID,
      authToken: SECOND_AUTH_TOKEN,
      apiKeySid: SECOND_API_KEY_SID,
      apiKeySecret: SECOND_API_KEY_SECRET,
    };
    type Method = 'get' | 'put' | 'post' | 'delete';
    const call = (who: Browser | null, method: Method, url: string, body?: object) => {
      const agent = who ? who.agent : api.anonymous();
      const req = agent[method](url);
      if (who && method !== 'get') req.set('x-csrf-token', who.csrf);
      return body ? req.send(body) : req;
    };
    const numbersOf = async (who: Browser) =>
      (
        (await who.agent.get('/api/twilio/senders').expect(200)).body.phoneNumbers as {
          phoneNumber: string;
        }[]
      ).map((n) => n.phoneNumber);
    const tagNames = async (who: Browser) =>
      (
        (await who.agent.get('/api/keap/tags?refresh=1').expect(200)).body.tags as {
          name: string;
        }[]
      ).map((t) => t.name);
    const toolIdsOf = async (who: Browser) =>
      ((await who.agent.get('/api/tools').expect(200)).body.tools as { id: string }[]).map(
        (t) => t.id,
      );

    /** Account A's sandbox number (SANDBOX_NUMBER), which its published tool uses. */
    const A_NUMBER_SID = 'PN00000000000000000000000000000001';
    /** Routes anyone may call: they start the sign-in or report health, and read no account. */
    const PUBLIC = [
      'get /health',
      'get /health/ready',
      'get /api/keap/connect',
      'get /api/keap/callback',
    ];

    interface RouteCase {
      /** The route called with account A's ids (and a valid body): refused without a session. */
      request: () => [url: string, body?: object];
      /** Account B at it: A's data is neither shown nor changed. */
      crossAccount: () => Promise<void>;
    }
    const notFoundForB = (method: Method, url: () => string, body?: () => object) => async () => {
      const res = await call(b, method, url(), body?.());
      expect([method, url(), res.status, res.body.error?.code]).toEqual([
        method,
        url(),
        404,
        expect.stringMatching(/_not_found$/),
      ]);
    };
    const cases: Record<string, RouteCase> = {
      'get /api/session': {
        request: () => ['/api/session'],
        crossAccount: async () => {
          const res = await b.agent.get('/api/session').expect(200);
          expect(res.body.account.id).toBe(b.accountId);
          expect(res.body.twilio).toEqual({
            connected: true,
            status: 'connected',
            statusReason: null,
            accountSid: SECOND_ACCOUNT_SID,
            apiKeySid: SECOND_API_KEY_SID,
          });
        },
      },
      'post /api/session/logout': {
        request: () => ['/api/session/logout'],
        crossAccount: async () => {
          const b2 = await api.signIn(SECOND_TENANT_ID);
          await call(b2, 'post', '/api/session/logout').expect(204);
          await b2.agent.get('/api/session').expect(401);
          await a.agent.get('/api/session').expect(200);
          await b.agent.get('/api/session').expect(200);
        },
      },
      'put /api/twilio/connection': {
        request: () => ['/api/twilio/connection', bTwilio],
        crossAccount: async () => {
          const res = await call(b, 'put', '/api/twilio/connection', {
            accountSid: DEMO_ACCOUNT_SID,
            authToken: DEMO_AUTH_TOKEN,
          }).expect(400);
          expect(res.body.error.message).toMatch(/already connected to another Keap app/);
          expect((await a.agent.get('/api/session')).body.twilio.accountSid).toBe(DEMO_ACCOUNT_SID);
          expect((await b.agent.get('/api/session')).body.twilio.accountSid).toBe(
            SECOND_ACCOUNT_SID,
          );
        },
      },
      'delete /api/twilio/connection': {
        request: () => ['/api/twilio/connection'],
        crossAccount: async () => {
          await call(b, 'delete', '/api/twilio/connection').expect(204);
          expect((await b.agent.get('/api/session')).body.twilio.connected).toBe(false);
          expect((await a.agent.get('/api/session')).body.twilio).toMatchObject({
            connected: true,
            accountSid: DEMO_ACCOUNT_SID,
          });
          expect(await numbersOf(a)).toContain(SANDBOX_NUMBER);
          await call(b, 'put', '/api/twilio/connection', bTwilio).expect(200);
        },
      },
      'get /api/twilio/senders': {
        request: () => ['/api/twilio/senders'],
        crossAccount: async () => {
          const mine = await numbersOf(b);
          expect(mine).toContain(SECOND_NUMBER);
          for (const n of await numbersOf(a)) expect(mine).not.toContain(n);
          const services = (await b.agent.get('/api/twilio/senders')).body.messagingServices;
          expect(services).toEqual([]);
        },
      },
      'get /api/twilio/available-numbers': {
        request: () => ['/api/twilio/available-numbers'],
        crossAccount: async () => {
          const seen = jest.spyOn(api.sandbox.twilio, 'authenticate');
          try {
            await b.agent.get('/api/twilio/available-numbers').expect(200);
            expect(seen.mock.calls.map(([u]) => u)).toEqual([SECOND_API_KEY_SID]);
          } finally {
            seen.mockRestore();
          }
        },
      },
      'post /api/twilio/numbers': {
        request: () => ['/api/twilio/numbers', { phoneNumber: '+13105550154' }],
        crossAccount: async () => {
          await call(b, 'post', '/api/twilio/numbers', { phoneNumber: '+13105550154' }).expect(201);
          expect(await numbersOf(b)).toContain('+13105550154');
          expect(await numbersOf(a)).not.toContain('+13105550154');
        },
      },
      'post /api/twilio/numbers/{sid}/point-here': {
        request: () => [`/api/twilio/numbers/${A_NUMBER_SID}/point-here`],
        crossAccount: async () => {
          const before = api.sandbox.twilio.numbers.get(A_NUMBER_SID)?.smsUrl;
          await notFoundForB('post', () => `/api/twilio/numbers/${A_NUMBER_SID}/point-here`)();
          expect(api.sandbox.twilio.numbers.get(A_NUMBER_SID)?.smsUrl).toBe(before);
        },
      },
      'post /api/twilio/messaging-services/{sid}/point-here': {
        request: () => [`/api/twilio/messaging-services/${DEMO_MESSAGING_SERVICE_SID}/point-here`],
        crossAccount: notFoundForB(
          'post',
          () => `/api/twilio/messaging-services/${DEMO_MESSAGING_SERVICE_SID}/point-here`,
        ),
      },
      'get /api/keap/fields': {
        request: () => ['/api/keap/fields'],
        crossAccount: async () => {
          const keys = (who: Browser) =>
            who.agent
              .get('/api/keap/fields')
              .expect(200)
              .then((r) => (r.body.fields as { key: string }[]).map((f) => f.key));
          expect(await keys(a)).toContain('_FavoriteColor');
          expect(await keys(b)).not.toContain('_FavoriteColor');
        },
      },
      'post /api/keap/fields': {
        request: () => ['/api/keap/fields', { label: 'Made by A', type: 'text' }],
        crossAccount: async () => {
          const labels = (who: Browser) =>
            who.agent
              .get('/api/keap/fields?refresh=1')
              .expect(200)
              .then((r) => (r.body.fields as { label: string }[]).map((f) => f.label));
          await call(b, 'post', '/api/keap/fields', { label: 'Only in B', type: 'text' }).expect(
            201,
          );
          expect(await labels(b)).toContain('Only in B');
          expect(await labels(a)).not.toContain('Only in B');
          // A's field of the same label is no obstacle to B: each account has its own Keap app.
          await call(b, 'post', '/api/keap/fields', {
            label: 'Favorite Color',
            type: 'text',
          }).expect(201);
        },
      },
      'get /api/keap/tags': {
        request: () => ['/api/keap/tags'],
        crossAccount: async () => {
          expect(await tagNames(a)).toContain('Interested');
          expect(await tagNames(b)).not.toContain('Interested');
        },
      },
      'post /api/keap/tags': {
        request: () => ['/api/keap/tags', { name: 'Made by A' }],
        crossAccount: async () => {
          await call(b, 'post', '/api/keap/tags', { name: 'Only in B' }).expect(201);
          expect(await tagNames(b)).toContain('Only in B');
          expect(await tagNames(a)).not.toContain('Only in B');
        },
      },
      'get /api/keap/budget': {
        request: () => ['/api/keap/budget'],
        crossAccount: async () => {
          const report = (who: Browser) =>
            who.agent
              .get('/api/keap/budget')
              .expect(200)
              .then((r) => r.body.perConversation);
          expect((await report(a)).conversations).toBeGreaterThan(0);
          expect((await report(b)).conversations).toBe(0);
        },
      },
      'get /api/tools': {
        request: () => ['/api/tools'],
        crossAccount: async () => {
          expect(await toolIdsOf(b)).toEqual([bToolId]);
        },
      },
      'post /api/tools': {
        request: () => ['/api/tools', { name: 'x' }],
        crossAccount: async () => {
          const before = await toolIdsOf(a);
          const made = await call(b, 'post', '/api/tools', { name: 'B again' }).expect(201);
          expect(await toolIdsOf(a)).toEqual(before);
          await call(b, 'delete', `/api/tools/${made.body.id}`).expect(204);
        },
      },
      'post /api/tools/import': {
        request: () => ['/api/tools/import', { definition: aPublishableTool('x', 'X') }],
        crossAccount: async () => {
          const before = await toolIdsOf(a);
          const made = await call(b, 'post', '/api/tools/import', {
            definition: aPublishableTool('Imported by B', 'IMPB'),
          }).expect(201);
          expect(await toolIdsOf(a)).toEqual(before);
          await call(b, 'delete', `/api/tools/${made.body.id}`).expect(204);
        },
      },
      'get /api/tools/{id}': {
        request: () => [`/api/tools/${toolId}`],
        crossAccount: notFoundForB('get', () => `/api/tools/${toolId}`),
      },
      'put /api/tools/{id}': {
        request: () => [
          `/api/tools/${toolId}`,
          { draft: aPublishableTool('Stolen'), draftRevision: 2 },
        ],
        crossAccount: notFoundForB(
          'put',
          () => `/api/tools/${toolId}`,
          () => ({ draft: aPublishableTool('Stolen'), draftRevision: 2 }),
        ),
      },
      'delete /api/tools/{id}': {
        request: () => [`/api/tools/${toolId}`],
        crossAccount: notFoundForB('delete', () => `/api/tools/${toolId}`),
      },
      'post /api/tools/{id}/publish': {
        request: () => [`/api/tools/${toolId}/publish`],
        crossAccount: notFoundForB('post', () => `/api/tools/${toolId}/publish`),
      },
      'get /api/tools/{id}/versions': {
        request: () => [`/api/tools/${toolId}/versions`],
        crossAccount: notFoundForB('get', () => `/api/tools/${toolId}/versions`),
      },
      'get /api/tools/{id}/versions/{versionId}': {
        request: () => [`/api/tools/${toolId}/versions/${versionId}`],
        crossAccount: async () => {
          await notFoundForB('get', () => `/api/tools/${toolId}/versions/${versionId}`)();
          // B's own tool with A's version id: the version is not B's tool's.
          await notFoundForB('get', () => `/api/tools/${bToolId}/versions/${versionId}`)();
        },
      },
      'post /api/tools/{id}/versions/{versionId}/restore': {
        request: () => [`/api/tools/${toolId}/versions/${versionId}/restore`, { draftRevision: 2 }],
        crossAccount: async () => {
          const body = () => ({ draftRevision: 2 });
          await notFoundForB(
            'post',
            () => `/api/tools/${toolId}/versions/${versionId}/restore`,
            body,
          )();
          await notFoundForB(
            'post',
            () => `/api/tools/${bToolId}/versions/${versionId}/restore`,
            body,
          )();
        },
      },
      'post /api/tools/{id}/draft/discard': {
        request: () => [`/api/tools/${toolId}/draft/discard`, { draftRevision: 2 }],
        crossAccount: notFoundForB(
          'post',
          () => `/api/tools/${toolId}/draft/discard`,
          () => ({ draftRevision: 2 }),
        ),
      },
      'post /api/tools/{id}/enabled': {
        request: () => [`/api/tools/${toolId}/enabled`, { enabled: false }],
        crossAccount: notFoundForB(
          'post',
          () => `/api/tools/${toolId}/enabled`,
          () => ({ enabled: false }),
        ),
      },
      'get /api/tools/{id}/export': {
        request: () => [`/api/tools/${toolId}/export`],
        crossAccount: notFoundForB('get', () => `/api/tools/${toolId}/export`),
      },
      'post /api/tools/{id}/url-secret/rotate': {
        request: () => [`/api/tools/${toolId}/url-secret/rotate`],
        crossAccount: async () => {
          await notFoundForB('post', () => `/api/tools/${toolId}/url-secret/rotate`)();
          expect((await a.agent.get(`/api/tools/${toolId}`)).body.toolUrl).toBe(toolUrlOfA);
        },
      },
      'post /api/tools/{id}/simulate': {
        request: () => [`/api/tools/${toolId}/simulate`, { start: { mode: 'keyword' } }],
        crossAccount: async () => {
          const body = () => ({ versionId, start: { mode: 'keyword' }, replies: [] });
          await notFoundForB('post', () => `/api/tools/${toolId}/simulate`, body)();
          // B's own tool with A's version id: the version is not B's tool's.
          await notFoundForB('post', () => `/api/tools/${bToolId}/simulate`, body)();
        },
      },
      'get /api/tools/{id}/analytics': {
        request: () => [`/api/tools/${toolId}/analytics`],
        crossAccount: async () => {
          await notFoundForB(
            'get',
            () => `/api/tools/${toolId}/analytics?versionId=${versionId}`,
          )();
          await notFoundForB(
            'get',
            () => `/api/tools/${bToolId}/analytics?versionId=${versionId}`,
          )();
        },
      },
      'get /api/templates': {
        request: () => ['/api/templates'],
        crossAccount: async () => {
          // The same ready sequences for every account: nothing of A's in them.
          const list = await b.agent.get('/api/templates').expect(200);
          expect(list.body.templates).toHaveLength(5);
          expect(JSON.stringify(list.body)).not.toContain('Private');
        },
      },
      'post /api/templates/{id}/use': {
        request: () => ['/api/templates/event-rsvp/use'],
        crossAccount: async () => {
          const before = await toolIdsOf(a);
          const made = await call(b, 'post', '/api/templates/event-rsvp/use').expect(201);
          expect(await toolIdsOf(a)).toEqual(before);
          // Its tags are made in B's Keap app only.
          expect(await tagNames(b)).toContain('Event RSVP: Yes');
          expect(await tagNames(a)).not.toContain('Event RSVP: Yes');
          await call(b, 'delete', `/api/tools/${made.body.id}`).expect(204);
        },
      },
      'get /api/conversations': {
        request: () => ['/api/conversations'],
        crossAccount: async () => {
          expect((await b.agent.get('/api/conversations').expect(200)).body.items).toEqual([]);
          const byTool = await b.agent.get(`/api/conversations?toolId=${toolId}`).expect(200);
          expect(byTool.body.items).toEqual([]);
          const mine = await a.agent.get('/api/conversations').expect(200);
          expect(mine.body.items.map((c: { id: string }) => c.id)).toContain(conversationId);
        },
      },
      'get /api/conversations/refused-starts': {
        request: () => ['/api/conversations/refused-starts'],
        crossAccount: async () => {
          const list = (who: Browser) =>
            who.agent
              .get('/api/conversations/refused-starts')
              .expect(200)
              .then((r) => r.body.items);
          expect(await list(a)).toEqual([expect.objectContaining({ phone: '+15555550177' })]);
          expect(await list(b)).toEqual([]);
        },
      },
      'get /api/opt-outs': {
        request: () => ['/api/opt-outs'],
        crossAccount: async () => {
          const list = (who: Browser, q = '') =>
            who.agent
              .get('/api/opt-outs')
              .query(q ? { q } : {})
              .expect(200)
              .then((r) => r.body.items);
          expect(await list(a)).toEqual([expect.objectContaining({ phone: '+15555550188' })]);
          expect(await list(b)).toEqual([]);
          expect(await list(b, '555-0188')).toEqual([]);
        },
      },
      'get /api/conversations/{id}': {
        request: () => [`/api/conversations/${conversationId}`],
        crossAccount: notFoundForB('get', () => `/api/conversations/${conversationId}`),
      },
      'post /api/conversations/{id}/end': {
        request: () => [`/api/conversations/${conversationId}/end`],
        crossAccount: notFoundForB('post', () => `/api/conversations/${conversationId}/end`),
      },
    };

    /** Every route of the API, from its OpenAPI document: `method path`. */
    const documentedRoutes = () =>
      Object.entries(buildOpenApiDocument(api.app).paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
          .map((m) => `${m} ${path}`),
      );

    it('has, for every route in the OpenAPI document, a cross-account case and a no-session case', () => {
      const routes = documentedRoutes();
      expect(routes.length).toBeGreaterThan(25);
      expect(routes.filter((r) => !PUBLIC.includes(r) && !cases[r])).toEqual([]);
      // Nothing stale either: every case is a route that exists.
      expect(Object.keys(cases).filter((r) => !routes.includes(r))).toEqual([]);
      const document = buildOpenApiDocument(api.app);
      for (const r of PUBLIC) {
        const [method, path] = r.split(' ') as [Method, string];
        expect([r, document.paths[path]?.[method]?.security]).toEqual([r, undefined]);
      }
    });

    it("account B can neither read nor change account A's data through any route (404 for A's ids, never 200)", async () => {
      for (const [route, c] of Object.entries(cases)) {
        try {
          await c.crossAccount();
        } catch (err) {
          throw new Error(`${route}: ${(err as Error).message}`);
        }
      }
      const still = await a.agent.get(`/api/tools/${toolId}`).expect(200);
      expect(still.body).toMatchObject({
        name: 'Private',
        enabled: true,
        draftRevision: 2,
        publishedVersion: { version: 1 },
        toolUrl: toolUrlOfA,
      });
      const conv = await a.agent.get(`/api/conversations/${conversationId}`).expect(200);
      expect(conv.body.conversation.status).toBe('awaiting_reply');
    });

    it('refuses every route without a session (401) and every state change without the CSRF header (403)', async () => {
      for (const [route, c] of Object.entries(cases)) {
        const method = route.split(' ')[0] as Method;
        const [url, body] = c.request();
        const anon = await call(null, method, url, body);
        expect([route, anon.status, anon.body.error?.code]).toEqual([route, 401, 'unauthorized']);
        if (method !== 'get') {
          const req = a.agent[method](url);
          const noCsrf = await (body ? req.send(body) : req);
          expect([route, noCsrf.status, noCsrf.body.error?.code]).toEqual([
            route,
            403,
            'forbidden',
          ]);
        }
      }
      // Nothing A's routes do without the header happened: the tool is still there, unchanged.
      expect((await a.agent.get(`/api/tools/${toolId}`).expect(200)).body.toolUrl).toBe(toolUrlOfA);
    });

    it('shows A its own conversation with the transcript, and lets A end it', async () => {
      const list = await a.agent
        .get(`/api/conversations?toolId=${toolId}&status=awaiting_reply&phone=0142`)
        .expect(200);
      expect(list.body.items).toEqual([
        expect.objectContaining({
          id: conversationId,
          toolName: 'Private',
          version: 1,
          phone: '+15555550142',
        }),
      ]);
      const analytics = await a.agent
        .get(`/api/tools/${toolId}/analytics?versionId=${versionId}`)
        .expect(200);
      expect(analytics.body).toMatchObject({ versionId, started: 1, finished: 0 });
      expect(analytics.body.steps.map((s: { stepId: string }) => s.stepId)).toEqual([
        'request-email',
        'ask-colour',
        'thanks',
      ]);
      expect(
        analytics.body.steps[1].branches.map((x: { conditionId: string }) => x.conditionId),
      ).toEqual(['blue', 'red', 'fallback']);
      const detail = await a.agent.get(`/api/conversations/${conversationId}`).expect(200);
      expect(detail.body).toMatchObject({
        conversation: { id: conversationId, phone: '+15555550142' },
        messages: [],
        contactUrl: null,
      });
    });

    it('ends a stuck conversation by hand', async () => {
      const db = api.app.get(DataSource);
      const [v] = await db.query('SELECT definition FROM tool_versions WHERE id = $1', [versionId]);
      const state = {
        status: 'awaiting_reply',
        phone: '+15555550143',
        contact: { id: 7, fields: {} },
        currentStepId: 'ask-colour',
        reasks: 0,
        startedAt: new Date().toISOString(),
        lastActivityAt: new Date().toISOString(),
        reminderSentAt: null,
        collectedEmail: null,
      };
      const [row] = await db.query(
        `INSERT INTO conversations (account_id, tool_id, tool_version_id, phone, sender_key, contact, state, status, current_step_id, trigger, started_at, last_activity_at)
         VALUES ($1, $2, $3, '+15555550143', 'phone:+14155550100', '{"id":7,"fields":{}}', $4, 'awaiting_reply', 'ask-colour', 'http_post', now(), now()) RETURNING id`,
        [a.accountId, toolId, versionId, JSON.stringify(state)],
      );
      expect(v.definition.steps.length).toBe(3);
      const ended = await a.agent
        .post(`/api/conversations/${row.id}/end`)
        .set('x-csrf-token', a.csrf)
        .expect(200);
      expect(ended.body).toMatchObject({ id: row.id, status: 'ended' });
      expect(ended.body.endedAt).not.toBeNull();
    });

    it('never puts a secret in a response or a log line (B connected Twilio with an API key)', async () => {
      const [row] = await api.app
        .get(DataSource)
        .query('SELECT api_key_sid FROM twilio_connections WHERE account_id = $1', [b.accountId]);
      expect(row.api_key_sid).toBe(SECOND_API_KEY_SID);
      await api.expectNoSecretsLeaked();
    });

    it('answers only as the OpenAPI document says (status and schema)', () =>
      api.expectAnswersDocumented());
  });
});
