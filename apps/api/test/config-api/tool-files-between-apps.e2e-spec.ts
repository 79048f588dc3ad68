import { DEMO_TENANT_ID, SECOND_TENANT_ID } from '@sms-seq/sandbox';
import type { ToolDefinition } from '@sms-seq/engine';
import { type Browser, type ConfigApi, startConfigApi } from './support/config-api-harness';
import { aToolThatTagsAndSaves } from './support/tool-builder';

/**
 * An agency builds a tool in one client's Keap app and imports it into another's: tag ids and
 * custom field keys are each app's own, so the file names them, and the import matches the
 * names in the importing app (tags by name, custom fields by label), asking when it cannot.
 */
describe('tool files between Keap apps', () => {
  let api: ConfigApi;
  let a: Browser;
  let b: Browser;
  let file: ToolDefinition & { keap: { app: string; tags: object; fields: object } };
  let tagsOfA: Record<string, number>;

  const post = (who: Browser, url: string, body?: object) =>
    who.agent.post(url).set('x-csrf-token', who.csrf).send(body);
  const tagsOf = async (who: Browser): Promise<Record<string, number>> => {
    const res = await who.agent.get('/api/keap/tags?refresh=1').expect(200);
    return Object.fromEntries(
      (res.body.tags as { id: number; name: string }[]).map((t) => [t.name, t.id]),
    );
  };
  const toolCount = async (who: Browser) =>
    (await who.agent.get('/api/tools').expect(200)).body.tools.length as number;

  beforeAll(async () => {
    api = await startConfigApi();
    a = await api.signIn(DEMO_TENANT_ID);
    b = await api.signIn(SECOND_TENANT_ID);
    // B's app: the opt-out tag, "not interested" in its own casing, and its own custom fields,
    // one labelled as A's "Budget" is.
    await post(b, '/api/keap/tags', { name: 'not interested' }).expect(201);
    const second = api.sandbox.keap.tenant(SECOND_TENANT_ID);
    for (const [field_name, label] of [
      ['BudgetAmount', 'budget'],
      ['Colour', 'Colour'],
    ] as const)
      second.customFields.push({
        id: String(second.nextId++),
        label,
        field_name,
        field_type: 'TEXT',
        record_type: 'CONTACT',
      });

    // A's tool: "blue" tags Interested, anything else Not interested, opt-outs SMS: Opted out;
    // the reply is saved to Budget and the text names Favorite Color.
    tagsOfA = await tagsOf(a);
    const tool = aToolThatTagsAndSaves(tagsOfA['Interested']!, '_Budget');
    const draft: ToolDefinition = {
      ...tool,
      name: 'Moving tool',
      steps: tool.steps.map((step) =>
        step.next.kind !== 'decide'
          ? step
          : {
              ...step,
              message: 'Still ~Contact._FavoriteColor|blue~? Text STOP to stop.',
              next: { ...step.next, fallbackTagId: tagsOfA['Not interested']! },
            },
      ),
      options: { ...tool.options, optOutTagId: tagsOfA['SMS: Opted out']! },
    };
    const made = await post(a, '/api/tools/import', { definition: draft }).expect(201);
    file = (await a.agent.get(`/api/tools/${made.body.id}/export`).expect(200)).body;
  });
  afterAll(() => api.close());

  it('exports the definition unchanged, with the names of its tags and custom fields', async () => {
    const { keap, ...definition } = file;
    expect(definition.name).toBe('Moving tool');
    expect(keap).toEqual({
      app: DEMO_TENANT_ID,
      tags: {
        [tagsOfA['Interested']!]: 'Interested',
        [tagsOfA['Not interested']!]: 'Not interested',
        [tagsOfA['SMS: Opted out']!]: 'SMS: Opted out',
      },
      fields: { _FavoriteColor: 'Favorite Color', _Budget: 'Budget' },
    });
  });

  it('asks about the tag and the field the other app lacks, and creates nothing meanwhile', async () => {
    const tools = await toolCount(b);
    const asked = await post(b, '/api/tools/import', { definition: file }).expect(409);
    expect(asked.body.error.code).toBe('import_needs_choices');
    expect(asked.body.error.message).toBe(
      'This tool comes from another Keap app. Choose whether to create the tags it lacks and which of its fields to use, then import it again.',
    );
    const { missingTags, unmapped, mapped } = asked.body.error.details;
    expect(missingTags).toEqual(['Interested']);
    expect(unmapped).toEqual([
      {
        field: '_FavoriteColor',
        label: 'Favorite Color',
        candidates: [
          { key: '_BudgetAmount', label: 'budget' },
          { key: '_Colour', label: 'Colour' },
        ],
      },
    ]);
    expect(mapped.map((m: { message: string }) => m.message)).toEqual([
      'Tag "Not interested" → your tag "not interested".',
      'Tag "SMS: Opted out" → your tag "SMS: Opted out".',
      'Field "Budget" → your field "budget".',
    ]);
    expect(await toolCount(b)).toBe(tools);
    expect(await tagsOf(b)).not.toHaveProperty('Interested');
  });

  it('imports once answered: tags by name (one created), fields by label and by choice', async () => {
    const res = await post(b, '/api/tools/import', {
      definition: file,
      createMissingTags: true,
      fieldMap: { _FavoriteColor: '_Colour' },
    }).expect(201);
    const tagsOfB = await tagsOf(b);
    expect(tagsOfB).toHaveProperty('Interested');
    expect(res.body.mapped.map((m: { message: string }) => m.message)).toEqual([
      'Tag "Interested" → your tag "Interested" (created).',
      'Tag "Not interested" → your tag "not interested".',
      'Tag "SMS: Opted out" → your tag "SMS: Opted out".',
      'Field "Favorite Color" → your field "Colour".',
      'Field "Budget" → your field "budget".',
    ]);
    const draft = res.body.draft as ToolDefinition;
    const ask = draft.steps.find((s) => s.next.kind === 'decide')!;
    expect(ask.message).toBe('Still ~Contact._Colour|blue~? Text STOP to stop.');
    expect(ask.saveTo).toBe('_BudgetAmount');
    expect(ask.next).toMatchObject({
      conditions: [{ tagId: tagsOfB['Interested'] }, { tagId: null }],
      fallbackTagId: tagsOfB['not interested'],
    });
    expect(draft.options.optOutTagId).toBe(tagsOfB['SMS: Opted out']);
    const fieldProblems = (res.body.problems as { path: unknown[]; message: string }[]).filter(
      (p) => /field/i.test(p.message),
    );
    expect(fieldProblems).toEqual([]);

    // Imported again, the tag is found, not created twice.
    const again = await post(b, '/api/tools/import', {
      definition: file,
      fieldMap: { _FavoriteColor: '_Colour' },
    }).expect(201);
    expect(again.body.mapped[0].message).toBe('Tag "Interested" → your tag "Interested".');
    expect(Object.keys(await tagsOf(b)).filter((name) => name === 'Interested')).toHaveLength(1);
  });

  it('leaves a missing tag out, saying so, when asked not to create it', async () => {
    const { keap, ...definition } = file;
    const renamed = { ...keap, tags: { ...keap.tags, [tagsOfA['Interested']!]: 'Hot lead' } };
    const res = await post(b, '/api/tools/import', {
      definition: { ...definition, keap: renamed },
      createMissingTags: false,
      fieldMap: { _FavoriteColor: '_Colour' },
    }).expect(201);
    expect(res.body.mapped[0].message).toBe(
      'Tag "Hot lead" is left out: this Keap app has no tag of that name. Choose a tag in the editor.',
    );
    const ask = (res.body.draft as ToolDefinition).steps.find((s) => s.next.kind === 'decide')!;
    expect(ask.next).toMatchObject({ conditions: [{ tagId: null }, { tagId: null }] });
    expect(await tagsOf(b)).not.toHaveProperty('Hot lead');
  });

  it('imports a file from the same app, or without names (the old format), as it is', async () => {
    const { keap: _names, ...definition } = file;
    const same = await post(a, '/api/tools/import', { definition: file }).expect(201);
    expect(same.body.draft).toEqual(definition);
    expect(same.body.mapped).toEqual([]);

    const old = await post(b, '/api/tools/import', { definition }).expect(201);
    expect(old.body.draft).toEqual(definition);
    expect(old.body.mapped).toEqual([]);
  });

  it('refuses a file whose names cannot be read, saving nothing', async () => {
    const tools = await toolCount(b);
    const res = await post(b, '/api/tools/import', {
      definition: { ...file, keap: { tags: { x: 1 } } },
    }).expect(400);
    expect(res.body.error.message).toBe(
      'The Keap names in the file cannot be read. Export the tool again and import the new file.',
    );
    expect(await toolCount(b)).toBe(tools);
  });

  it('answers only as documented and leaks no secret', async () => {
    await api.expectAnswersDocumented();
    await api.expectNoSecretsLeaked();
  });
});
