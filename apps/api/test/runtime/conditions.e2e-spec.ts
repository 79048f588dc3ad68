import request from 'supertest';
import {
  aConnectedAccount,
  aKeapContact,
  aPhone,
  aPublishedTool,
  aTool,
  tagId,
  tagsOf,
} from './builders';
import { eventually, startRuntime, whenIdle, type RuntimeHarness } from './runtime-harness';

/**
 * "What happens next" after a reply: each condition kind chooses its branch and applies its tag;
 * nothing matching applies the fallback tag and sends the fallback step; "finish" ends.
 */
describe('runtime: conditions choose the branch and the tag', () => {
  let h: RuntimeHarness;
  let tool: { toolId: string; secret: string };
  const tag: Record<string, number> = {};

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await aConnectedAccount(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
    });
    const tenant = h.sandbox.keap.tenant('sb101');
    for (const name of ['Likes blue', 'Big budget', 'Under own budget', 'Mid budget', 'Said yes'])
      tag[name] = Number(h.sandbox.keap.createTag(tenant, { name }).id);
    tag['Not interested'] = tagId(h.sandbox, 'Not interested');
    const end = (id: string, message: string) => ({
      id,
      name: id,
      message,
      next: { kind: 'finish' as const },
    });
    tool = await aPublishedTool(
      h.ds,
      accountId,
      aTool({
        name: 'Branches',
        keyword: null,
        startMode: 'http_only',
        steps: [
          {
            id: 'ask',
            name: 'Ask',
            message: 'Colour or budget?',
            saveTo: '_FavoriteColor',
            next: {
              kind: 'decide',
              conditions: [
                {
                  id: 'blue',
                  kind: 'equals_any',
                  values: ['*blue*', 'navy'],
                  tagId: tag['Likes blue'],
                  nextStepId: 'blue',
                },
                {
                  id: 'yes',
                  kind: 'equals_any',
                  values: ['yes', 'yep'],
                  tagId: tag['Said yes'],
                  nextStepId: 'yes',
                },
                {
                  id: 'big',
                  kind: 'compare',
                  op: 'gt',
                  value: { source: 'static', value: 1000 },
                  tagId: tag['Big budget'],
                  nextStepId: 'big',
                },
                {
                  id: 'under',
                  kind: 'compare',
                  op: 'lt',
                  value: { source: 'field', field: '_Budget' },
                  tagId: tag['Under own budget'],
                  nextStepId: 'under',
                },
                {
                  id: 'mid',
                  kind: 'between',
                  first: { op: 'gte', value: { source: 'static', value: 10 } },
                  second: { op: 'lte', value: { source: 'static', value: 100 } },
                  tagId: tag['Mid budget'],
                  nextStepId: 'mid',
                },
              ],
              fallbackTagId: tag['Not interested'],
              fallbackStepId: 'other',
            },
          },
          end('blue', 'Blue it is.'),
          end('yes', 'Glad to hear it.'),
          end('big', 'A big budget.'),
          end('under', 'Under your usual budget.'),
          end('mid', 'A middling budget.'),
          end('other', 'Sorry, we did not get that.'),
        ],
      }),
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  async function converse(reply: string, contact: { budget?: number } = {}) {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Pat', phone, ...contact });
    await request(h.t.app.getHttpServer())
      .post(`/hooks/tools/${tool.toolId}/${tool.secret}`)
      .type('form')
      .send({ contactId: String(contactId) })
      .expect(202);
    await eventually(() => h.textsTo(phone).length === 1, 'the question');
    await h.text(phone, reply);
    await eventually(() => h.textsTo(phone).length === 2, 'the branch’s step');
    await whenIdle(h);
    return { texts: h.textsTo(phone), tags: tagsOf(h.sandbox, contactId), contactId };
  }

  it.each([
    ['equals any, with a wildcard', 'I really like BLUE', 'Blue it is.', 'Likes blue'],
    ['equals any, a whole word', ' Navy ', 'Blue it is.', 'Likes blue'],
    [
      'equals any, "yes" is a reply in a conversation (not an opt-in)',
      'YES',
      'Glad to hear it.',
      'Said yes',
    ],
    ['compare with a static number, read leniently', '$1,200', 'A big budget.', 'Big budget'],
  ])('%s: "%s" → %s', async (_what, reply, expectedText, expectedTag) => {
    const { texts, tags } = await converse(reply, { budget: 5000 });
    expect(texts).toEqual(['Colour or budget?', expectedText]);
    expect(tags).toEqual([expectedTag]);
  });

  it('compare against a contact field: a reply under the contact’s own budget', async () => {
    const { texts, tags } = await converse(' 500 ', { budget: 800 });
    expect(texts).toEqual(['Colour or budget?', 'Under your usual budget.']);
    expect(tags).toEqual(['Under own budget']);
  });

  it('between two bounds', async () => {
    const { texts, tags } = await converse('50', { budget: 20 });
    expect(texts).toEqual(['Colour or budget?', 'A middling budget.']);
    expect(tags).toEqual(['Mid budget']);
  });

  it('no condition matches: the fallback tag and the fallback step', async () => {
    const words = await converse('maybe later');
    expect(words.texts).toEqual(['Colour or budget?', 'Sorry, we did not get that.']);
    expect(words.tags).toEqual(['Not interested']);
    // A number that matches no numeric condition falls back too (500 is not over 1000, not under 100, not 10–100).
    const number = await converse('500', { budget: 100 });
    expect(number.texts).toEqual(['Colour or budget?', 'Sorry, we did not get that.']);
    expect(number.tags).toEqual(['Not interested']);
  });

  it('finish: a closing message ends the conversation as it is sent; a reply after it starts nothing', async () => {
    const phone = aPhone();
    const contactId = aKeapContact(h.sandbox, { firstName: 'Pat', phone });
    await request(h.t.app.getHttpServer())
      .post(`/hooks/tools/${tool.toolId}/${tool.secret}`)
      .send({ contactId })
      .expect(202);
    await eventually(() => h.textsTo(phone).length === 1, 'the question');
    await h.text(phone, 'blue');
    await eventually(() => h.textsTo(phone).length === 2, 'the last step');
    await eventually(
      async () => (await h.conversationsOf(phone))[0]?.status === 'finished',
      'the end, without waiting for a reply',
    );
    await h.text(phone, 'thanks!');
    await whenIdle(h);
    expect(h.textsTo(phone)).toEqual(['Colour or budget?', 'Blue it is.']);
    expect(await h.conversationsOf(phone)).toHaveLength(1);
  });

  it('saves the reply to the step’s field in Keap', async () => {
    const { contactId } = await converse('navy');
    const [described] = h.sandbox.keap
      .describeContacts(h.sandbox.keap.tenant('sb101'))
      .filter((c) => String(c.id) === String(contactId));
    expect(described?.custom_fields).toEqual(expect.objectContaining({ FavoriteColor: 'navy' }));
  });
});
