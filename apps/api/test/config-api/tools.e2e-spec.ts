import {
  DEMO_ACCOUNT_SID,
  DEMO_AUTH_TOKEN,
  DEMO_TENANT_ID,
  SECOND_TENANT_ID,
} from '@sms-seq/sandbox';
import { DataSource } from 'typeorm';
import { type Browser, type ConfigApi, startConfigApi } from './support/config-api-harness';
import { aPublishableTool } from './support/tool-builder';

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

    const senders = await a.agent.get('/api/twilio/senders').expect(200);
    expect(senders.body.phoneNumbers).toContainEqual(
      expect.objectContaining({
        phoneNumber: '+14155550100',
        smsUrl: 'http://api.test.local/hooks/twilio/sms',
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

  it('exports a tool and imports it back; bad JSON gets every problem and saves nothing', async () => {
    const created = await post(a, '/api/tools', { name: 'Exported' }).expect(201);
    await put(a, `/api/tools/${created.body.id}`, {
      draft: aPublishableTool('Exported', 'EXP'),
      draftRevision: 1,
    }).expect(200);
    const file = await a.agent.get(`/api/tools/${created.body.id}/export`).expect(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename="Exported.json"');
    const imported = await post(a, '/api/tools/import', { definition: file.body }).expect(201);
    expect(imported.body.draft).toEqual(file.body);
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

  it('rotates the URL secret, enables and disables, deletes', async () => {
    const created = await post(a, '/api/tools', { name: 'Rotating' }).expect(201);
    const rotated = await post(a, `/api/tools/${created.body.id}/url-secret/rotate`).expect(200);
    expect(rotated.body.toolUrl).not.toBe(created.body.toolUrl);
    expect(
      (await post(a, `/api/tools/${created.body.id}/enabled`, { enabled: false }).expect(200)).body
        .enabled,
    ).toBe(false);
    await a.agent.delete(`/api/tools/${created.body.id}`).set('x-csrf-token', a.csrf).expect(204);
    await a.agent.get(`/api/tools/${created.body.id}`).expect(404);
  });

  describe('multi-tenancy and security, for every endpoint', () => {
    let toolId: string;
    let versionId: string;
    let conversationId: string;

    beforeAll(async () => {
      const created = await post(a, '/api/tools', { name: 'Private' }).expect(201);
      toolId = created.body.id;
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
    });

    const endpoints = (): [string, string, object?][] => [
      ['get', `/api/tools/${toolId}`],
      ['put', `/api/tools/${toolId}`, { draft: aPublishableTool('Stolen'), draftRevision: 2 }],
      ['delete', `/api/tools/${toolId}`],
      ['post', `/api/tools/${toolId}/publish`],
      ['get', `/api/tools/${toolId}/versions`],
      ['post', `/api/tools/${toolId}/enabled`, { enabled: false }],
      ['get', `/api/tools/${toolId}/export`],
      ['post', `/api/tools/${toolId}/url-secret/rotate`],
      [
        'post',
        `/api/tools/${toolId}/simulate`,
        { versionId, start: { mode: 'keyword' }, replies: [] },
      ],
      ['get', `/api/tools/${toolId}/analytics?versionId=${versionId}`],
      ['get', `/api/conversations/${conversationId}`],
      ['post', `/api/conversations/${conversationId}/end`],
    ];

    it("account B gets 404 for every one of account A's tools and conversations, and changes nothing", async () => {
      for (const [method, url, body] of endpoints()) {
        const req = (b.agent as unknown as Record<string, (u: string) => import('supertest').Test>)[
          method
        ]!(url).set('x-csrf-token', b.csrf);
        const res = await (body ? req.send(body) : req);
        expect([method, url, res.status]).toEqual([method, url, 404]);
      }
      const listB = await b.agent.get('/api/tools').expect(200);
      expect(listB.body.tools).toEqual([]);
      const convB = await b.agent.get('/api/conversations').expect(200);
      expect(convB.body.items).toEqual([]);
      const convByTool = await b.agent.get(`/api/conversations?toolId=${toolId}`).expect(200);
      expect(convByTool.body.items).toEqual([]);
      const still = await a.agent.get(`/api/tools/${toolId}`).expect(200);
      expect(still.body).toMatchObject({
        name: 'Private',
        enabled: true,
        draftRevision: 2,
        publishedVersion: { version: 1 },
      });
      const conv = await a.agent.get(`/api/conversations/${conversationId}`).expect(200);
      expect(conv.body.conversation.status).toBe('awaiting_reply');
      // B never sees A's Twilio numbers.
      expect((await b.agent.get('/api/twilio/senders')).status).toBe(409);
    });

    it('refuses every endpoint without a session (401) and every state change without the CSRF header (403)', async () => {
      const all: [string, string, object?][] = [
        ...endpoints(),
        ['get', '/api/session'],
        ['post', '/api/session/logout'],
        ['get', '/api/tools'],
        ['post', '/api/tools', { name: 'x' }],
        ['post', '/api/tools/import', { definition: {} }],
        ['get', '/api/conversations'],
        [
          'put',
          '/api/twilio/connection',
          { accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN },
        ],
        ['delete', '/api/twilio/connection'],
        ['get', '/api/twilio/senders'],
        ['get', '/api/twilio/available-numbers'],
        ['post', '/api/twilio/numbers', { phoneNumber: '+14155550199' }],
        ['get', '/api/keap/fields'],
        ['get', '/api/keap/tags'],
        ['post', '/api/keap/tags', { name: 'x' }],
      ];
      for (const [method, url, body] of all) {
        const anon = (
          api.anonymous() as unknown as Record<string, (u: string) => import('supertest').Test>
        )[method]!(url);
        expect([method, url, (await (body ? anon.send(body) : anon)).status]).toEqual([
          method,
          url,
          401,
        ]);
        if (method !== 'get') {
          const noCsrf = (
            a.agent as unknown as Record<string, (u: string) => import('supertest').Test>
          )[method]!(url);
          expect([method, url, (await (body ? noCsrf.send(body) : noCsrf)).status]).toEqual([
            method,
            url,
            403,
          ]);
        }
      }
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
      const analytics = await a.agent.get(`/api/tools/${toolId}/analytics`).expect(200);
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

    it('never puts a secret in a response or a log line', async () => {
      const secrets = await api.storedSecrets();
      const ownUrlSecrets = new Set<string>();
      const responses: string[] = [];
      for (const who of [a, b]) {
        for (const url of [
          '/api/session',
          '/api/tools',
          '/api/twilio/senders',
          '/api/conversations',
          `/api/tools/${toolId}`,
        ]) {
          const res = await who.agent.get(url);
          responses.push(JSON.stringify(res.body), JSON.stringify(res.headers));
          if (who === a && url === `/api/tools/${toolId}`)
            ownUrlSecrets.add(String(res.body.toolUrl).split('/').pop() ?? '');
        }
      }
      const logs = api.logLines();
      expect(logs.length).toBeGreaterThan(1000);
      for (const secret of secrets) {
        expect(logs).not.toContain(secret);
        // A tool URL secret appears only in its own account's tool detail.
        const leaks = responses.filter((r) => r.includes(secret));
        if (ownUrlSecrets.has(secret)) expect(leaks.length).toBe(1);
        else expect(leaks).toEqual([]);
      }
      expect(logs).not.toContain(DEMO_AUTH_TOKEN);
    });
  });
});
