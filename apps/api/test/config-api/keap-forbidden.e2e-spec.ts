import { aPhone } from '../runtime/builders';
import {
  type ConsoleBrowser,
  eventually,
  type RuntimeHarness,
  startRuntime,
} from '../runtime/runtime-harness';

/**
 * Keap answers 403 when the Keap user who connected the app may not do one thing (create a tag,
 * say). That is no dead grant: the console says what Keap refused and who may fix it, and the
 * account stays connected, so its tools keep starting conversations.
 */
describe('Keap refusing one call for the Keap user who connected the app (403)', () => {
  let h: RuntimeHarness;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    await h.publishedTool(accountId, {
      name: 'Colour',
      keyword: 'BLUE',
      collectEmailFirst: false,
      steps: [{ id: 'ask', name: 'Ask', message: 'Blue or red?', next: { kind: 'finish' } }],
    });
    browser = await h.signedIn(accountId);
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(() => h.sandbox.keap.failNextCalls(0));

  const expectStillConnected = async () => {
    const session = await browser.get('/api/session').expect(200);
    expect(session.body.account).toMatchObject({ status: 'active', statusReason: null });
    expect(session.body.keap.connected).toBe(true);
  };

  it('"create tag" answers 403 keap_forbidden saying so; Keap stays connected and a keyword text still starts the tool', async () => {
    h.sandbox.keap.failNextCalls(1, 403);
    const res = await browser.post('/api/keap/tags').send({ name: 'Not allowed' }).expect(403);
    expect(res.body.error).toEqual({
      code: 'keap_forbidden',
      message: expect.stringMatching(
        /^Keap did not allow this for the Keap user who connected the app: .+\. Ask a Keap administrator .* Your Keap connection is kept\.$/,
      ),
    });
    await expectStillConnected();

    const phone = aPhone();
    await h.text(phone, 'blue');
    await eventually(() => h.textsTo(phone).length === 1, 'the first step');
    expect(h.textsTo(phone)).toEqual(['Blue or red?']);
  });

  it('the tag picker answers 403 keap_forbidden, and the next read works', async () => {
    h.sandbox.keap.failNextCalls(1, 403);
    const res = await browser.get('/api/keap/tags?refresh=1').expect(403);
    expect(res.body.error.code).toBe('keap_forbidden');
    await expectStillConnected();
    const tags = await browser.get('/api/keap/tags?refresh=1').expect(200);
    expect(tags.body.tags.length).toBeGreaterThan(0);
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());
});
