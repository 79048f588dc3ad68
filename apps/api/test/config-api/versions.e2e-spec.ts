import type { ToolDefinition } from '@sms-seq/engine';
import request from 'supertest';
import { SessionStore } from '../../src/session/session.store';
import { aConnectedAccount, aPhone, aTool } from '../runtime/builders';
import {
  eventually,
  type RuntimeHarness,
  startRuntime,
  whenIdle,
} from '../runtime/runtime-harness';

/**
 * Versioned publishing, end to end through the API and real texts: a conversation finishes on the
 * version it started on, even when a new version is published in the middle of it, and the funnel
 * of each version counts only its own conversations.
 */
describe('versions: a conversation finishes on the version it started on', () => {
  let h: RuntimeHarness;
  let browser: ReturnType<typeof request.agent>;
  let csrf: string;
  let toolId: string;

  const survey = (second: string): ToolDefinition =>
    aTool({
      name: 'Versions',
      keyword: 'VERS',
      collectEmailFirst: false,
      steps: [
        {
          id: 'colour',
          name: 'Colour',
          message: 'Blue or red? Text STOP to stop.',
          next: {
            kind: 'decide',
            conditions: [
              { id: 'blue', kind: 'equals_any', values: ['blue'], tagId: null, nextStepId: 'size' },
            ],
            fallbackTagId: null,
            fallbackStepId: 'size',
          },
        },
        { id: 'size', name: 'Size', message: second, next: { kind: 'finish' } },
      ],
    });
  const api = {
    get: (url: string) => browser.get(url).expect(200),
    send: (method: 'post' | 'put', url: string, body?: object) =>
      browser[method](url).set('x-csrf-token', csrf).send(body),
  };
  const say = async (phone: string, body: string, texts: number) => {
    await h.text(phone, body);
    await eventually(() => h.textsTo(phone).length >= texts, `text ${texts} to ${phone}`);
  };

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await aConnectedAccount(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
    });
    const { id, session } = await h.t.app.get(SessionStore).create(accountId);
    csrf = session.csrfToken;
    browser = request
      .agent(h.t.app.getHttpServer())
      .set('Cookie', `sms_session=${id}; sms_csrf=${csrf}`);
    toolId = (await api.send('post', '/api/tools', { name: 'Versions' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('publishing v2 mid-conversation: the v1 conversation gets v1’s next text, a new one v2’s; analytics keep them apart', async () => {
    await api
      .send('put', `/api/tools/${toolId}`, { draft: survey('v1: big or small?'), draftRevision: 1 })
      .expect(200);
    const v1 = (await api.send('post', `/api/tools/${toolId}/publish`).expect(201)).body;
    const early = aPhone();
    await say(early, 'vers', 1);

    const detail = (await api.get(`/api/tools/${toolId}`)).body;
    await api
      .send('put', `/api/tools/${toolId}`, {
        draft: survey('v2: large or tiny?'),
        draftRevision: detail.draftRevision,
      })
      .expect(200);
    const v2 = (await api.send('post', `/api/tools/${toolId}/publish`).expect(201)).body;
    expect([v1.version, v2.version]).toEqual([1, 2]);

    await say(early, 'blue', 2);
    expect(h.textsTo(early)).toEqual(['Blue or red? Text STOP to stop.', 'v1: big or small?']);
    const late = aPhone();
    await say(late, 'vers', 1);
    await say(late, 'red', 2);
    expect(h.textsTo(late)).toEqual(['Blue or red? Text STOP to stop.', 'v2: large or tiny?']);
    for (const phone of [early, late]) {
      await h.text(phone, 'big');
      await eventually(
        async () => (await h.conversationsOf(phone))[0]?.status === 'finished',
        `${phone} to finish`,
      );
    }
    await whenIdle(h);

    const list = (await api.get(`/api/conversations?toolId=${toolId}`)).body.items;
    expect(
      list.map((c: { phone: string; version: number; status: string }) => [
        c.phone,
        c.version,
        c.status,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [early, 1, 'finished'],
        [late, 2, 'finished'],
      ]),
    );

    const funnel = async (versionId: string) =>
      (await api.get(`/api/tools/${toolId}/analytics?versionId=${versionId}`)).body;
    const a1 = await funnel(v1.id);
    const a2 = await funnel(v2.id);
    expect([a1.versionId, a1.started, a1.finished]).toEqual([v1.id, 1, 1]);
    expect([a2.versionId, a2.started, a2.finished]).toEqual([v2.id, 1, 1]);
    const colour = (a: {
      steps: { stepId: string; branches: { conditionId: string; count: number }[] }[];
    }) =>
      Object.fromEntries(
        a.steps.find((s) => s.stepId === 'colour')?.branches.map((b) => [b.conditionId, b.count]) ??
          [],
      );
    // v1's contact said blue, v2's said red (nothing matched).
    expect(colour(a1)).toEqual({ blue: 1, fallback: 0 });
    expect(colour(a2)).toEqual({ blue: 0, fallback: 1 });
    // Without a versionId: every version, each step and branch matched by id.
    const all = await api.get(`/api/tools/${toolId}/analytics`);
    expect([all.body.versionId, all.body.started, colour(all.body)]).toEqual([
      null,
      2,
      { blue: 1, fallback: 1 },
    ]);
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());
});
