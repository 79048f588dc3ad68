import { DEMO_TENANT_ID, SECOND_TENANT_ID } from '@sms-seq/sandbox';
import { type Browser, type ConfigApi, startConfigApi } from './support/config-api-harness';

describe('Templates API', () => {
  let api: ConfigApi;
  let a: Browser;

  beforeAll(async () => {
    api = await startConfigApi();
    a = await api.signIn(DEMO_TENANT_ID);
  });
  afterAll(() => api.close());

  const use = (who: Browser, id: string) =>
    who.agent.post(`/api/templates/${id}/use`).set('x-csrf-token', who.csrf);
  /** The tenant's tags as the sandbox Keap holds them, by name. */
  const sandboxTags = (tenantId: string) =>
    [...api.sandbox.keap.tenants.get(tenantId)!.tags.values()].map((t) => ({
      id: Number(t.id),
      name: t.name,
    }));

  it('lists five templates, each with a description and a definition to preview', async () => {
    const res = await a.agent.get('/api/templates').expect(200);
    expect(res.body.templates.map((t: { id: string }) => t.id)).toEqual([
      'sms-opt-in',
      'lead-qualification',
      'appointment-confirmation',
      'event-rsvp',
      'nps-survey',
    ]);
    const nps = res.body.templates[4];
    expect(nps.description).toMatch(/0 to 10/);
    expect(nps.tags.map((t: { name: string }) => t.name)).toEqual([
      'NPS: Promoter',
      'NPS: Passive',
      'NPS: Detractor',
      'SMS: Opted out',
      'SMS: Invalid number',
    ]);
    expect(nps.definition.steps[0].next.conditions[0].tagId).toBe(1);
  });

  it("creates a draft whose tags are the account's Keap tags by name: existing ones reused, missing ones created", async () => {
    const before = sandboxTags(DEMO_TENANT_ID);
    const optedOut = before.find((t) => t.name === 'SMS: Opted out')!;
    expect(before.some((t) => t.name.startsWith('NPS:'))).toBe(false);

    const res = await use(a, 'nps-survey').expect(201);
    expect(res.body).toMatchObject({
      name: 'NPS survey (promoters, passives, detractors)',
      draftRevision: 1,
      publishedVersion: null,
    });
    const after = sandboxTags(DEMO_TENANT_ID);
    const idOf = (name: string) => after.find((t) => t.name === name)?.id;
    // Reused: the tag the app already had, not a second one of the same name.
    expect(res.body.draft.options.optOutTagId).toBe(optedOut.id);
    expect(after.filter((t) => t.name === 'SMS: Opted out')).toHaveLength(1);
    // Created in Keap, and used by the draft.
    const [promoter, passive, detractor] = res.body.draft.steps[0].next.conditions;
    expect([promoter.tagId, passive.tagId, detractor.tagId]).toEqual([
      idOf('NPS: Promoter'),
      idOf('NPS: Passive'),
      idOf('NPS: Detractor'),
    ]);
    expect(after).toHaveLength(before.length + 3);
    // The draft's only problem: no sender chosen yet.
    expect(res.body.problems.map((p: { code: string }) => p.code)).toEqual(['sender_missing']);

    // Used again: the tags made the first time are found, none made twice.
    const again = await use(a, 'nps-survey').expect(201);
    expect(again.body.id).not.toBe(res.body.id);
    expect(again.body.draft.steps[0].next.conditions[0].tagId).toBe(promoter.tagId);
    expect(sandboxTags(DEMO_TENANT_ID)).toHaveLength(after.length);
    // The new tags are in the editor's tag picker at once.
    const picker = await a.agent.get('/api/keap/tags').expect(200);
    expect(picker.body.tags.map((t: { name: string }) => t.name)).toContain('NPS: Passive');
  });

  it('runs a draft made from a template in the simulator to its finish', async () => {
    const made = await use(a, 'event-rsvp').expect(201);
    const res = await a.agent
      .post(`/api/tools/${made.body.id}/simulate`)
      .set('x-csrf-token', a.csrf)
      .send({ start: { mode: 'http_post' }, replies: ['maybe'] })
      .expect(200);
    expect(res.body.status).toBe('finished');
    const maybe = sandboxTags(DEMO_TENANT_ID).find((t) => t.name === 'Event RSVP: Maybe')!;
    expect(res.body.turns.flatMap((t: { tags: { tagId: number }[] }) => t.tags)).toEqual([
      expect.objectContaining({ tagId: maybe.id }),
    ]);
  });

  it('answers 404 template_not_found for a template that does not exist, and makes nothing', async () => {
    const before = (await a.agent.get('/api/tools').expect(200)).body.tools.length;
    const res = await use(a, 'no-such-template').expect(404);
    expect(res.body.error.code).toBe('template_not_found');
    expect((await a.agent.get('/api/tools').expect(200)).body.tools).toHaveLength(before);
  });

  it('makes tags only in the Keap app of the account that used the template', async () => {
    const b = await api.signIn(SECOND_TENANT_ID);
    const before = sandboxTags(SECOND_TENANT_ID).length;
    await use(b, 'sms-opt-in').expect(201);
    expect(sandboxTags(DEMO_TENANT_ID).some((t) => t.name === 'SMS: Subscribed')).toBe(false);
    expect(sandboxTags(SECOND_TENANT_ID).map((t) => t.name)).toContain('SMS: Subscribed');
    expect(sandboxTags(SECOND_TENANT_ID).length).toBeGreaterThan(before);
  });

  it('answers only as the OpenAPI document says, and leaks no secret', async () => {
    await api.expectAnswersDocumented();
    await api.expectNoSecretsLeaked();
  });
});
