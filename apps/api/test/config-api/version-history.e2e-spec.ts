import {
  DEMO_ACCOUNT_SID,
  DEMO_AUTH_TOKEN,
  DEMO_TENANT_ID,
  SECOND_TENANT_ID,
} from '@sms-seq/sandbox';
import type { ToolDefinition } from '@sms-seq/engine';
import request from 'supertest';
import { SessionStore } from '../../src/session/session.store';
import { type Browser, type ConfigApi, startConfigApi } from './support/config-api-harness';
import { aPublishableTool } from './support/tool-builder';

/**
 * The version history (issue 16): each published version says when, by whom (the Keap user signed
 * in) and what changed in words; a version opens read-only, is restored as the draft, the draft is
 * discarded back to the live version, and publishing an unchanged draft is refused. Another
 * account's tool or version is "not found".
 */
describe('version history, restore, discard', () => {
  let api: ConfigApi;
  let a: Browser;
  let b: Browser;
  let toolId: string;
  let v1: { id: string; version: number };
  let v2: { id: string; version: number };

  const post = (who: Browser, url: string, body?: object) =>
    who.agent.post(url).set('x-csrf-token', who.csrf).send(body);
  const put = (who: Browser, url: string, body?: object) =>
    who.agent.put(url).set('x-csrf-token', who.csrf).send(body);
  const detail = async () => (await a.agent.get(`/api/tools/${toolId}`).expect(200)).body;
  const save = async (draft: ToolDefinition) =>
    put(a, `/api/tools/${toolId}`, { draft, draftRevision: (await detail()).draftRevision }).expect(
      200,
    );
  /** The publishable tool with the colour question reworded and a condition added. */
  const edited = (): ToolDefinition => {
    const tool = aPublishableTool('History', 'HIST');
    return {
      ...tool,
      steps: tool.steps.map((step) =>
        step.id !== 'ask-colour' || step.next.kind !== 'decide'
          ? step
          : {
              ...step,
              message: 'Blue, red or green? Text STOP to stop.',
              next: {
                ...step.next,
                conditions: [
                  ...step.next.conditions,
                  {
                    id: 'green',
                    kind: 'equals_any' as const,
                    values: ['green'],
                    tagId: null,
                    nextStepId: 'thanks',
                  },
                ],
              },
            },
      ),
    };
  };

  beforeAll(async () => {
    api = await startConfigApi();
    const demo = api.sandbox.keap.tenant(DEMO_TENANT_ID).users[0]!;
    demo.given_name = 'Dana';
    demo.family_name = 'Marketer';
    a = await api.signIn(DEMO_TENANT_ID);
    b = await api.signIn(SECOND_TENANT_ID);
    await put(a, '/api/twilio/connection', {
      accountSid: DEMO_ACCOUNT_SID,
      authToken: DEMO_AUTH_TOKEN,
    }).expect(200);
    toolId = (await post(a, '/api/tools', { name: 'History' }).expect(201)).body.id;
  });
  afterAll(() => api.close());

  it('records who published each version and says what changed from the one before', async () => {
    await save(aPublishableTool('History', 'HIST'));
    v1 = (await post(a, `/api/tools/${toolId}/publish`).expect(201)).body;
    await save(edited());
    v2 = (await post(a, `/api/tools/${toolId}/publish`).expect(201)).body;
    expect([v1.version, v2.version]).toEqual([1, 2]);

    const list = (await a.agent.get(`/api/tools/${toolId}/versions`).expect(200)).body.versions;
    expect(list).toEqual([
      {
        id: v2.id,
        version: 2,
        publishedAt: expect.any(String),
        publishedBy: 'Dana Marketer',
        live: true,
        changes: ['step Favourite colour: message changed; condition 3 added'],
      },
      {
        id: v1.id,
        version: 1,
        publishedAt: expect.any(String),
        publishedBy: 'Dana Marketer',
        live: false,
        changes: [],
      },
    ]);
  });

  it('refuses to publish a draft that is the live version already (409), adding no version', async () => {
    const refused = await post(a, `/api/tools/${toolId}/publish`).expect(409);
    expect(refused.body.error).toEqual({
      code: 'nothing_to_publish',
      message:
        'Nothing changed since version 2 went live, so there is nothing to publish. Edit the draft first.',
    });
    // A draft changed and changed back is unchanged too.
    await save({ ...edited(), keyword: 'OTHER' });
    await save(edited());
    expect((await detail()).hasUnpublishedChanges).toBe(false);
    await post(a, `/api/tools/${toolId}/publish`).expect(409);
    const list = (await a.agent.get(`/api/tools/${toolId}/versions`).expect(200)).body.versions;
    expect(list.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('opens a version read-only, with its definition as it went live', async () => {
    const res = await a.agent.get(`/api/tools/${toolId}/versions/${v1.id}`).expect(200);
    expect(res.body).toMatchObject({ id: v1.id, version: 1, live: false, changes: [] });
    expect(res.body.definition).toEqual(aPublishableTool('History', 'HIST'));
    const second = await a.agent.get(`/api/tools/${toolId}/versions/${v2.id}`).expect(200);
    expect(second.body.changes).toEqual([
      'step Favourite colour: message changed; condition 3 added',
    ]);
  });

  it('restores a version as the draft, over the revision loaded (409 when stale)', async () => {
    const before = await detail();
    const stale = await post(a, `/api/tools/${toolId}/versions/${v1.id}/restore`, {
      draftRevision: before.draftRevision - 1,
    }).expect(409);
    expect(stale.body.error.code).toBe('stale_draft');

    const restored = await post(a, `/api/tools/${toolId}/versions/${v1.id}/restore`, {
      draftRevision: before.draftRevision,
    }).expect(200);
    expect(restored.body).toMatchObject({
      draft: aPublishableTool('History', 'HIST'),
      draftRevision: before.draftRevision + 1,
      hasUnpublishedChanges: true,
      publishedVersion: { id: v2.id, version: 2 },
    });
    // Restoring does not publish: v2 stays live until the restored draft is published as v3,
    // here from a session made before names were kept (nobody named).
    const { id, session } = await api.app.get(SessionStore).create(a.accountId);
    const v3 = (
      await request(api.app.getHttpServer())
        .post(`/api/tools/${toolId}/publish`)
        .set('Cookie', `sms_session=${id}; sms_csrf=${session.csrfToken}`)
        .set('x-csrf-token', session.csrfToken)
        .expect(201)
    ).body;
    expect(v3.version).toBe(3);
    const list = (await a.agent.get(`/api/tools/${toolId}/versions`).expect(200)).body.versions;
    expect(list[0]).toMatchObject({
      version: 3,
      live: true,
      publishedBy: null,
      changes: ['step Favourite colour: message changed; condition 3 removed'],
    });
    expect(list[1]).toMatchObject({ version: 2, live: false, publishedBy: 'Dana Marketer' });
  });

  it('discards the draft back to the live version', async () => {
    const changed = await save({ ...aPublishableTool('History', 'HIST'), keyword: 'DRAFTY' });
    expect(changed.body.hasUnpublishedChanges).toBe(true);
    const stale = await post(a, `/api/tools/${toolId}/draft/discard`, {
      draftRevision: changed.body.draftRevision - 1,
    }).expect(409);
    expect(stale.body.error.code).toBe('stale_draft');
    const discarded = await post(a, `/api/tools/${toolId}/draft/discard`, {
      draftRevision: changed.body.draftRevision,
    }).expect(200);
    expect(discarded.body).toMatchObject({
      draft: aPublishableTool('History', 'HIST'),
      hasUnpublishedChanges: false,
      draftRevision: changed.body.draftRevision + 1,
    });
  });

  it('refuses to discard the draft of a tool never published (409)', async () => {
    const draftOnly = (await post(a, '/api/tools', { name: 'Never live' }).expect(201)).body;
    const res = await post(a, `/api/tools/${draftOnly.id}/draft/discard`, {
      draftRevision: 1,
    }).expect(409);
    expect(res.body.error).toEqual({
      code: 'nothing_to_discard',
      message:
        'This tool has never been published, so there is no live version to go back to. Edit the draft instead.',
    });
    expect((await a.agent.get(`/api/tools/${draftOnly.id}/versions`).expect(200)).body).toEqual({
      versions: [],
    });
  });

  it('says what is wrong with a request in a sentence (400), and 404 for an id that is no version', async () => {
    const revision = (await detail()).draftRevision;
    for (const body of [
      {},
      { draftRevision: 'two' },
      { draftRevision: 0 },
      { draftRevision: 1.5 },
    ]) {
      const res = await post(a, `/api/tools/${toolId}/versions/${v1.id}/restore`, body).expect(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input', message: expect.any(String) });
      await post(a, `/api/tools/${toolId}/draft/discard`, body).expect(400);
    }
    for (const versionId of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      const get = await a.agent.get(`/api/tools/${toolId}/versions/${versionId}`).expect(404);
      expect(get.body.error.code).toBe('tool_version_not_found');
      await post(a, `/api/tools/${toolId}/versions/${versionId}/restore`, {
        draftRevision: revision,
      }).expect(404);
    }
    expect((await detail()).draftRevision).toBe(revision);
  });

  it("never shows or changes another account's tool or versions (404)", async () => {
    const bTool = (await post(b, '/api/tools', { name: 'B’s own' }).expect(201)).body;
    const revision = (await detail()).draftRevision;
    const notFound = async (res: { status: number; body: { error?: { code?: string } } }) =>
      expect([res.status, res.body.error?.code]).toEqual([
        404,
        expect.stringMatching(/_not_found$/),
      ]);
    await notFound(await b.agent.get(`/api/tools/${toolId}/versions`));
    await notFound(await b.agent.get(`/api/tools/${toolId}/versions/${v1.id}`));
    // B's own tool with A's version: the version is not B's tool's.
    await notFound(await b.agent.get(`/api/tools/${bTool.id}/versions/${v1.id}`));
    await notFound(
      await post(b, `/api/tools/${toolId}/versions/${v1.id}/restore`, { draftRevision: revision }),
    );
    await notFound(
      await post(b, `/api/tools/${bTool.id}/versions/${v1.id}/restore`, { draftRevision: 1 }),
    );
    await notFound(
      await post(b, `/api/tools/${toolId}/draft/discard`, { draftRevision: revision }),
    );
    await notFound(await post(b, `/api/tools/${toolId}/publish`));
    expect((await detail()).draftRevision).toBe(revision);
    expect((await b.agent.get(`/api/tools/${bTool.id}`).expect(200)).body.draft.name).toBe(
      'B’s own',
    );
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    api.expectAnswersDocumented());
});
